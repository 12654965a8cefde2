import { Command, InvalidArgumentError, Option } from 'commander';
import type { AuditQuery } from '@gpconnect/store';
import { readSettings, type Settings } from './settings.ts';
import { up } from './commands/up.ts';
import { reset } from './commands/reset.ts';
import { audit, formatAuditTable } from './commands/audit.ts';
import { changeCapabilities, changeStructuredAreas, practices } from './commands/practice.ts';
import { formatValidation, validateFiles } from './commands/validate.ts';
import { generate } from './commands/testdata-generate.ts';
import { DEFAULT_LARGE_DOCUMENTS, MAX_ITEMS, MIN_ITEMS } from '@gpconnect/testdata';
import { appointments, book, cancel, record, RECORD_SECTIONS, slots, trace, type RecordSection } from './consumer/consumer-commands.ts';
import { documents, fetchDocument } from './consumer/document-commands.ts';
import { careRecord } from './consumer/care-record-command.ts';
import { addDays, isRecordSectionCode, RECORD_SECTIONS as CARE_RECORD_SECTIONS, ukLocalDate, type RecordSectionCode } from '@gpconnect/fhir';
import { readConsumerSettings } from './consumer/consumer-settings.ts';

export interface CliIo {
  out(text: string): void;
  /** Progress for a terminal (stderr); commands work without it. */
  err?(text: string): void;
  env: NodeJS.ProcessEnv;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of at least 0');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function itemsPerRecord(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_ITEMS || n > MAX_ITEMS) throw new InvalidArgumentError(`must be a whole number from ${MIN_ITEMS} to ${MAX_ITEMS}`);
  return n;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be a date, YYYY-MM-DD');
  return value;
}

function instant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be an ISO 8601 date or date-time');
  return date;
}

function careRecordSection(value: string): RecordSectionCode {
  const code = value.toUpperCase();
  if (!isRecordSectionCode(code)) throw new InvalidArgumentError(`must be one of ${Object.keys(CARE_RECORD_SECTIONS).join(', ')}`);
  return code;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** Stops the running system on SIGINT or SIGTERM; a second signal forces the exit. */
function untilSignalled(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(1);
      stopping = true;
      close().then(resolve, reject);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The `gpconnect` command line; settings come from the environment (README, Configuration). */
export function buildProgram(io: CliIo): Command {
  const settings = (): Settings => readSettings(io.env);
  const program = new Command('gpconnect')
    .description('GP Connect provider, Spine simulators and tooling')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out });

  program
    .command('up')
    .description('start the provider, seeding an empty store with the national test roster; stops on SIGINT/SIGTERM')
    .option('--reset', 'restore the national test roster to its starting state before serving')
    .action(async (options: { reset?: boolean }) => {
      const system = await up(settings(), { reset: options.reset ?? false, print: (line) => io.out(`${line}\n`) });
      await untilSignalled(system.close);
    });

  program
    .command('reset')
    .description('restore a practice\'s national test roster to its exact starting state (creating the practice if needed)')
    .option('--practice <ods>', 'ODS code of the practice (default: the roster\'s own, B82617)')
    .option('--asid <asid>', 'ASID of the practice, when it does not exist yet')
    .option('--name <name>', 'name of the practice, when it does not exist yet')
    .action(async (options: { practice?: string; asid?: string; name?: string }) => {
      const summary = await reset(settings(), options);
      io.out(
        `${summary.practiceCreated ? 'Created' : 'Reset'} practice ${summary.practiceOds}: ${summary.patients} patients, ` +
          `${summary.practitioners} practitioners, ${summary.organisations} organisations, ${summary.locations} locations, ` +
          `${summary.pdsPeople} PDS records\n`,
      );
    });

  program
    .command('audit')
    .description('show the audit trail, most recent first')
    .option('--practice <ods>', 'only requests to this practice')
    .option('--trace-id <id>', 'only this Ssp-TraceID')
    .option('--nhs-number <nhs>', 'only requests about this patient')
    .option('--interaction-id <id>', 'only this Ssp-InteractionID')
    .option('--outcome <code>', 'only this outcome: OK or a Spine error code')
    .option('--since <time>', 'only at or after this ISO time', instant)
    .option('--until <time>', 'only before this ISO time', instant)
    .option('--limit <n>', 'at most this many (default 100)', positiveInteger)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { practice?: string; traceId?: string; nhsNumber?: string; interactionId?: string; outcome?: string; since?: Date; until?: Date; limit?: number; format: string }) => {
      const query: AuditQuery = {
        ...(options.practice && { practiceOds: options.practice }),
        ...(options.traceId && { traceId: options.traceId }),
        ...(options.nhsNumber && { patientNhsNumber: options.nhsNumber }),
        ...(options.interactionId && { interactionId: options.interactionId }),
        ...(options.outcome && { outcomeCode: options.outcome }),
        ...(options.since && { since: options.since }),
        ...(options.until && { until: options.until }),
        ...(options.limit && { limit: options.limit }),
      };
      const rows = await audit(settings(), query);
      io.out(options.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : `${formatAuditTable(rows)}\n`);
    });

  const practice = program.command('practice').description('the practices this deployment serves');
  practice
    .command('list')
    .description('list practices with their ASID and the capabilities switched on')
    .action(async () => {
      for (const row of await practices(settings())) {
        io.out(`${row.ods_code}  ASID ${row.asid}  ${row.name}  [${row.capabilities.join(', ')}]\n`);
      }
    });
  practice
    .command('capabilities <ods>')
    .description('switch capabilities of a practice on or off, and show those on')
    .option('--enable <capabilities>', 'comma-separated capabilities to switch on', collect)
    .option('--disable <capabilities>', 'comma-separated capabilities to switch off', collect)
    .action(async (ods: string, options: { enable?: string[]; disable?: string[] }) => {
      const on = await changeCapabilities(settings(), ods, options);
      io.out(`${ods}: ${on.join(', ') || 'no capabilities on'}\n`);
    });
  practice
    .command('structured-areas <ods>')
    .description('switch Access Record Structured clinical areas off or on at a practice, and show those off')
    .option('--disable <areas>', 'comma-separated areas to switch off', collect)
    .option('--enable <areas>', 'comma-separated areas to switch back on', collect)
    .action(async (ods: string, options: { enable?: string[]; disable?: string[] }) => {
      const off = await changeStructuredAreas(settings(), ods, options);
      io.out(`${ods}: ${off.length ? `switched off: ${off.join(', ')}` : 'every clinical area on'}\n`);
    });

  program
    .command('validate <files...>')
    .description('validate FHIR resources (JSON or XML files) against the GP Connect profiles they claim; exit 1 when any breaks a rule')
    .addOption(new Option('--format <format>', 'output format: text, or json for an OperationOutcome per file').choices(['text', 'json']).default('text'))
    .action(async (files: string[], options: { format: string }) => {
      const results = await validateFiles(files);
      io.out(options.format === 'json' ? `${JSON.stringify(results.map((r) => ({ file: r.file, outcome: r.outcome })), null, 2)}\n` : formatValidation(results));
      if (results.some((r) => r.issues.some((i) => i.severity === 'error'))) process.exitCode = 1;
    });

  const testdata = program.command('testdata').description('synthetic test data');
  testdata
    .command('generate')
    .description('replace a practice\'s generated patients with a seeded, repeatable generation: NHS numbers from the 999 test range, PDS records, clinical records of every area and their documents')
    .option('--practice <ods>', 'ODS code of the practice to register them at (default: the roster\'s own, B82617)')
    .option('--patients <n>', 'how many patients', positiveInteger, 100)
    .option('--items <n>', 'record items per patient, 10 to 3000', itemsPerRecord, 300)
    .option('--seed <s>', 'seed: the same seed on the same store and day gives the same rows', wholeNumber, 1)
    .option('--no-documents', 'write no documents (by default patients have letters as PDF, RTF, Word and plain text, now and then a photograph)')
    .option('--large-documents <n>', 'how many patients at most, the 1st, 51st, 101st..., have a photograph over 5 MB (6 to 10 MB); 0 for none', nonNegativeInteger, DEFAULT_LARGE_DOCUMENTS)
    .action(async (options: { practice?: string; patients: number; items: number; seed: number; documents: boolean; largeDocuments: number }) => {
      const progress = io.err ? (line: string, done: boolean) => io.err!(`\r${line}${done ? '\n' : ''}`) : undefined;
      const summary = await generate(settings(), { ...options, progress });
      const seconds = summary.elapsedMs / 1000;
      const withDocuments = options.documents ? ` and ${summary.documents} documents (${(summary.documentBytes / 1_000_000).toFixed(1)} MB)` : '';
      io.out(
        `Generated ${summary.patients} patients with ${summary.clinicalItems} record items${withDocuments} at ${summary.practiceOds}` +
          `${summary.replacedPatients ? ` (replacing ${summary.replacedPatients})` : ''} in ${seconds.toFixed(1)} s: ` +
          `${Math.round(summary.patients / seconds)} patients/s, ${Math.round(summary.clinicalItems / seconds)} items/s\n`,
      );
    });

  // Consumer commands: the national path as a consumer sees it (PDS -> SDS -> SSP -> provider).
  const consumer = () => readConsumerSettings(io.env);
  // The practice's day: after 23:00 UTC in summer it is already tomorrow in the UK.
  const today = () => ukLocalDate(new Date());
  const print = (text: string) => io.out(`${text}\n`);

  program
    .command('trace <nhs-number>')
    .description('(consumer) trace a patient on PDS: demographics and registered practice')
    .option('--json', 'print the PDS Patient resource')
    .action(async (nhsNumber: string, options: { json?: boolean }) => print(await trace(consumer(), nhsNumber, options.json ?? false)));

  const recordCommand = program
    .command('record <nhs-number>')
    .description('(consumer) a patient\'s structured record from their practice; every section unless some are named')
    .option('--json', 'print the Bundle the provider returned');
  for (const section of RECORD_SECTIONS) recordCommand.option(`--${section}`, `the ${section} section`);
  recordCommand.action(async (nhsNumber: string, options: Partial<Record<RecordSection | 'json', boolean>>) => {
    const named = RECORD_SECTIONS.filter((section) => options[section]);
    print(await record(consumer(), nhsNumber, named.length > 0 ? named : RECORD_SECTIONS, options.json ?? false));
  });

  program
    .command('care-record <nhs-number>')
    .description('(consumer) one Access Record HTML section of a patient\'s record from their practice, as text')
    .requiredOption('--section <code>', `the section: ${Object.entries(CARE_RECORD_SECTIONS).map(([code, { title }]) => `${code} (${title})`).join(', ')}`, careRecordSection)
    .option('--from <date>', 'first day, YYYY-MM-DD (sections that take a period)', isoDate)
    .option('--to <date>', 'last day, YYYY-MM-DD (sections that take a period)', isoDate)
    .option('--html <file>', 'write a standalone HTML page: the patient banner above the practice\'s XHTML')
    .option('--json', 'print the Bundle the provider returned')
    .action(async (nhsNumber: string, options: { section: RecordSectionCode; from?: string; to?: string; html?: string; json?: boolean }) =>
      print(await careRecord(consumer(), { nhsNumber, section: options.section, from: options.from, to: options.to, html: options.html, json: options.json ?? false })),
    );

  program
    .command('slots')
    .description('(consumer) free appointment slots at a practice, found through SDS and the proxy')
    .option('--practice <ods>', 'the practice (ODS code)')
    .option('--nhs-number <nhs>', 'or: the practice this patient is registered at (PDS)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD', isoDate)
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (at most 14 days on)', isoDate)
    .option('--type <organisation-type>', 'search as this organisation type (gp-practice, urgent-care)')
    .option('--json', 'print the Slot resources')
    .action(async (options: { practice?: string; nhsNumber?: string; from: string; to: string; type?: string; json?: boolean }) =>
      print(await slots(consumer(), { practice: options.practice, nhsNumber: options.nhsNumber, from: options.from, to: options.to, type: options.type }, options.json ?? false)),
    );

  program
    .command('book')
    .description('(consumer) book free slots for a patient at their practice')
    .requiredOption('--nhs-number <nhs>', 'the patient')
    .requiredOption('--slot <id>', 'a slot to book (repeat or comma-separate adjacent slots)', collect)
    .requiredOption('--description <text>', 'what the appointment is for (up to 100 characters, non-clinical)')
    .option('--comment <text>', 'a comment (up to 500 characters)')
    .option('--telecom <phone>', 'the booking organisation\'s phone number', '0300 303 5678')
    .option('--type <organisation-type>', 'book as this organisation type (gp-practice, urgent-care)')
    .option('--json', 'print the Appointment resource')
    .action(async (options: { nhsNumber: string; slot: string[]; description: string; comment?: string; telecom: string; type?: string; json?: boolean }) =>
      print(await book(consumer(), { nhsNumber: options.nhsNumber, slotIds: options.slot, description: options.description, comment: options.comment, telecom: options.telecom, type: options.type }, options.json ?? false)),
    );

  program
    .command('appointments <nhs-number>')
    .description('(consumer) a patient\'s appointments, cancelled ones included')
    .option('--from <date>', 'first day, YYYY-MM-DD (default today)', isoDate)
    .option('--to <date>', 'last day, YYYY-MM-DD (default 90 days on)', isoDate)
    .option('--json', 'print the Appointment resources')
    .action(async (nhsNumber: string, options: { from?: string; to?: string; json?: boolean }) => {
      const from = options.from ?? today();
      const to = options.to ?? addDays(from, 90);
      print(await appointments(consumer(), nhsNumber, { from, to }, options.json ?? false));
    });

  program
    .command('documents <nhs-number>')
    .description('(consumer) a patient\'s documents at their practice, newest first')
    .option('--json', 'print the Bundle the provider returned')
    .action(async (nhsNumber: string, options: { json?: boolean }) => print(await documents(consumer(), nhsNumber, options.json ?? false)));

  program
    .command('fetch-document <nhs-number> <document-id>')
    .description('(consumer) save a document\'s content to a file')
    .option('--out <file>', 'where to save it (default: the document id)')
    .action(async (nhsNumber: string, documentId: string, options: { out?: string }) => print(await fetchDocument(consumer(), nhsNumber, documentId, options.out)));

  program
    .command('cancel <appointment-id>')
    .description('(consumer) cancel a patient\'s appointment')
    .requiredOption('--nhs-number <nhs>', 'the patient (finds their practice)')
    .requiredOption('--reason <text>', 'why it is cancelled')
    .option('--json', 'print the cancelled Appointment')
    .action(async (appointmentId: string, options: { nhsNumber: string; reason: string; json?: boolean }) => print(await cancel(consumer(), options.nhsNumber, appointmentId, options.reason, options.json ?? false)));

  return program;
}
