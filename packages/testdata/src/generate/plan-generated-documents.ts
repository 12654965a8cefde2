import { parseIsoDate } from '../dates.ts';
import { docxFile, pdfFile, pngFile, rtfFile, textFile } from '../document-files.ts';
import { documentId, INPATIENT_FINAL_DISCHARGE_LETTER, type DocumentSpec } from '../plan-documents.ts';
import type { RecordItem } from '../record-item.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * A generated patient's documents, written from their record: a referral letter (Word) sent with a
 * referral and named by it, a hospital discharge summary (PDF) and a clinic letter (RTF or Word) about
 * a long-term condition they have, a results letter (plain text) about their latest blood test, now
 * and then a photograph (PNG) — and, for the patients `large` picks, a photograph over the 5 MB limit
 * of Retrieve a document (documents.md §5). Authors as the roster's: the practice, the usual GP or the
 * hospital; every date after what the letter is about and before today. A referral letter is
 * confidential when its referral is (counselling, sometimes); nothing else is, and no letter names
 * a confidential problem. Types other than the discharge letter are text: the specification's example
 * holds the only coded one (plan-documents.ts).
 */

export interface GeneratedDocumentsContext {
  patientId: string;
  nhsNumber: string;
  name: { prefix?: readonly string[] | undefined; given: readonly string[]; family: string };
  birthDate: string;
  today: string;
  /** The practice's name, signing its letters. */
  practiceName: string;
  /** Whether the practice knows a hospital to author discharge summaries and clinic letters. */
  hospital: boolean;
  /** A photograph over 5 MB besides the rest. */
  large: boolean;
  random: SeededRandom;
}

export interface GeneratedDocuments {
  documents: DocumentSpec[];
  /** The record's items, each referral with a letter now naming it in `supportingInfo` (structured.md §5.8). */
  items: RecordItem[];
}

const DAY_MS = 86_400_000;
const WORD = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const daysAgo = (date: string, today: string) => Math.round((parseIsoDate(today) - parseIsoDate(date.slice(0, 10))) / DAY_MS);
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const titleCase = (text: string) => text.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
const longDate = (date: string) => new Date(parseIsoDate(date.slice(0, 10))).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayBefore = (today: string, days: number) => new Date(parseIsoDate(today) - days * DAY_MS).toISOString().slice(0, 10);
const codingDisplay = (concept: unknown) => ((concept as { coding?: { display?: string }[] } | undefined)?.coding ?? [])[0]?.display ?? '';

/** What the letters are written from, read off the record's items: only what is not confidential, but referrals all. */
function readRecord(items: readonly RecordItem[]) {
  const byId = new Map(items.map((item) => [item.id, item]));
  const conditions = items
    .filter((i) => i.resourceType === 'Condition' && i.status === 'active' && !i.confidential && i.effective)
    .map((i) => ({ name: codingDisplay(i.resource['code']), onset: i.effective! }));
  // A report's request is `<base>-request` beside `<base>-report` (plan-investigations.ts) and names the test.
  const reports = items
    .filter((i) => i.resourceType === 'DiagnosticReport' && !i.confidential && i.effective)
    .map((i) => ({ test: codingDisplay(byId.get(i.id.replace(/-report$/, '-request'))?.resource['code']), issued: i.effective! }))
    .sort((a, b) => (a.issued < b.issued ? 1 : -1));
  const referrals = items
    .filter((i) => i.resourceType === 'ReferralRequest' && i.effective)
    .map((i) => ({ item: i, reason: codingDisplay((i.resource['reasonCode'] as unknown[] | undefined)?.[0]), description: String(i.resource['description'] ?? ''), on: i.effective! }));
  return { conditions, latestReport: reports[0], referrals };
}

export function planGeneratedDocuments(context: GeneratedDocumentsContext, items: readonly RecordItem[]): GeneratedDocuments {
  const { random, today } = context;
  const record = readRecord(items);
  const documents: DocumentSpec[] = [];
  const person = `${context.name.given.join(' ')} ${titleCase(context.name.family)}, born ${longDate(context.birthDate)}, NHS number ${context.nhsNumber}`;
  const practice = titleCase(context.practiceName);
  /** Days ago of a day from `from` (an ISO date or dateTime before today), up to `withinDays` later and no later than yesterday. */
  const dayFrom = (from: string, withinDays = Infinity) => {
    const start = Math.max(1, daysAgo(from, today));
    return random.int(Math.max(1, start - withinDays), start);
  };
  /** Days ago of a day in the last `days` days of the patient's life, yesterday at the latest. */
  const dayWithin = (days: number) => random.int(1, Math.max(1, Math.min(days, daysAgo(context.birthDate, today))));

  let withLetter: RecordItem | undefined;
  const referral = record.referrals[0];
  if (referral && random.chance(0.8)) {
    const on = daysAgo(referral.on, today);
    const to = lowerFirst(referral.reason.replace(/^Referral to /, ''));
    documents.push({
      type: 'Referral letter',
      description: `Referral letter to ${to}`,
      author: 'practice',
      createdDaysAgo: on,
      indexedDaysAgo: on,
      contentType: WORD,
      file: () => docxFile([referral.reason, `Re: ${person}`, `${referral.description}; please assess and advise.`, practice]),
      confidential: referral.item.confidential,
    });
    withLetter = { ...referral.item, resource: { ...referral.item.resource, supportingInfo: [{ reference: `DocumentReference/${documentId(context.patientId, documents.length)}` }] } };
  }

  const condition = record.conditions.length ? random.pick(record.conditions) : undefined;
  if (condition && context.hospital && random.chance(0.3)) {
    const created = dayFrom(condition.onset);
    const indexed = Math.max(1, created - random.int(0, 6));
    // Admitted after the diagnosis.
    const stay = Math.min(random.int(1, 9), daysAgo(condition.onset, today) - created);
    const name = lowerFirst(condition.name);
    const presentation = random.pick(['shortness of breath', 'chest pain', 'a fall at home', 'dizziness', 'a chest infection']);
    documents.push({
      type: INPATIENT_FINAL_DISCHARGE_LETTER,
      description: 'Discharge summary',
      author: 'hospital',
      createdDaysAgo: created,
      indexedDaysAgo: indexed,
      contentType: 'application/pdf',
      file: () =>
        pdfFile([
          'Discharge summary',
          `Patient: ${person}`,
          `Admitted ${longDate(dayBefore(today, created + stay))}, discharged ${longDate(dayBefore(today, created))}.`,
          `Admitted with ${presentation}; known ${name}.`,
          'Treated on the ward and improved; observations stable before discharge.',
          'Medicines: no changes made during the admission.',
          `Follow-up: please review at ${practice} within two weeks.`,
          'Written on behalf of the consultant.',
        ]),
    });
  }
  if (condition && random.chance(0.4)) {
    const byGp = !context.hospital || random.chance(0.3);
    const created = dayFrom(condition.onset);
    // Some practices record no created date (documents.md §3: searches fall back to indexed).
    const dated = random.chance(0.7);
    const paragraphs = [
      `${condition.name} clinic`,
      `Re: ${person}`,
      `Seen today ${byGp ? 'in the practice clinic' : 'in clinic'} for ${lowerFirst(condition.name)}, diagnosed in ${condition.onset.slice(0, 4)}.`,
      'Stable; no change to treatment. To be seen again in a year.',
    ];
    documents.push({
      type: 'Clinic letter',
      description: `${condition.name} clinic letter`,
      author: byGp ? 'usualGp' : 'hospital',
      ...(dated ? { createdDaysAgo: created } : {}),
      indexedDaysAgo: Math.max(1, created - random.int(0, 10)),
      ...(random.chance(0.5) ? { contentType: 'application/rtf', file: () => rtfFile(paragraphs) } : { contentType: WORD, file: () => docxFile(paragraphs) }),
    });
  }
  const report = record.latestReport;
  if (report && random.chance(0.5)) {
    const created = dayFrom(report.issued, 5);
    const salutation = `Dear ${[context.name.prefix?.[0], titleCase(context.name.family)].filter(Boolean).join(' ')},`;
    const action = random.chance(0.5) ? 'No action is needed; the doctor will go through them at your next review.' : 'Please book a routine appointment to discuss the results.';
    documents.push({
      type: 'Letter to patient',
      description: 'Blood test results letter',
      author: 'practice',
      createdDaysAgo: created,
      indexedDaysAgo: created,
      contentType: 'text/plain',
      file: () => textFile([salutation, `The results of your blood test (${report.test}) of ${longDate(report.issued)} have been reviewed by the doctor.`, action, practice]),
    });
  }
  const photograph = (side: number) => {
    const taken = dayWithin(3 * 365);
    documents.push({
      type: 'Photograph',
      description: random.pick(['Photograph of skin lesion', 'Photograph of rash', 'Photograph of wound']),
      author: 'practice',
      createdDaysAgo: taken,
      indexedDaysAgo: Math.max(1, taken - random.int(0, 1)),
      contentType: 'image/png',
      // Uncompressed: about side * side * 3 bytes.
      file: () => pngFile(side, side),
    });
  };
  if (random.chance(0.05)) photograph(random.int(120, 520));
  // 1,400 to 1,800 pixels square: 5.9 to 9.7 MB.
  if (context.large) photograph(random.int(1400, 1800));

  return { documents, items: withLetter ? items.map((item) => (item === referral!.item ? withLetter! : item)) : [...items] };
}
