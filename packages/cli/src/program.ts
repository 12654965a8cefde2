import { Command, InvalidArgumentError, Option } from 'commander';
import type { AuditQuery } from '@gpconnect/store';
import { readSettings, type Settings } from './settings.ts';
import { up } from './commands/up.ts';
import { reset } from './commands/reset.ts';
import { audit, formatAuditTable } from './commands/audit.ts';
import { changeCapabilities, practices } from './commands/practice.ts';
import { formatValidation, validateFiles } from './commands/validate.ts';

export interface CliIo {
  out(text: string): void;
  env: NodeJS.ProcessEnv;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function instant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be an ISO 8601 date or date-time');
  return date;
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

  program
    .command('validate <files...>')
    .description('validate FHIR resources (JSON or XML files) against the GP Connect profiles they claim; exit 1 when any breaks a rule')
    .addOption(new Option('--format <format>', 'output format: text, or json for an OperationOutcome per file').choices(['text', 'json']).default('text'))
    .action(async (files: string[], options: { format: string }) => {
      const results = await validateFiles(files);
      io.out(options.format === 'json' ? `${JSON.stringify(results.map((r) => ({ file: r.file, outcome: r.outcome })), null, 2)}\n` : formatValidation(results));
      if (results.some((r) => r.issues.some((i) => i.severity === 'error'))) process.exitCode = 1;
    });

  return program;
}
