import { byDateDescending, conceptText, extension, noteLines, quantityText, subExtensionValue, type CareRecord, type Json } from '../care-record.ts';
import { referencesOf } from '../../structured/patient-record.ts';
import { addDays } from '@gpconnect/fhir';
import { formatHtmlDate, isoDate } from '../html-dates.ts';
import { dateCell, textCell, type Row, type Table } from '../section-view.ts';
import { medicationName } from './item-summary.ts';

/**
 * MED (access-record-html.md §5, §6): each course of medication (its authorisation, statement and
 * issues, as the structured record stores them) placed in the subsections the specification
 * defines — acute in the last 12 months, current repeats, repeats a clinician discontinued, all
 * medication and all issues, the last two grouped by medication item.
 */

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const PRESCRIPTION_TYPE = `${SD}Extension-CareConnect-GPC-PrescriptionType-1`;
const REPEAT_INFORMATION = `${SD}Extension-CareConnect-GPC-MedicationRepeatInformation-1`;
const STATUS_REASON = `${SD}Extension-CareConnect-GPC-MedicationStatusReason-1`;
const PRESCRIBING_AGENCY = `${SD}Extension-CareConnect-GPC-PrescribingAgency-1`;
const LAST_ISSUE_DATE = `${SD}Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`;

interface Course {
  name: string;
  /** Acute, Repeat, Repeat dispensing... with the prescriber when it was not this practice. */
  type: string;
  acute: boolean;
  prescribedHere: boolean;
  plan: Json;
  start: string | undefined;
  /** When the authorisation ends (recorded, or for an acute course its supply), if it does. */
  end: string | undefined;
  endRecorded: boolean;
  issues: Json[];
  lastIssued: string | undefined;
  discontinued: { date: string | undefined; reason: string } | undefined;
  /** Additional Information lines other than the discontinuation (which only some tables repeat there). */
  additional: string[];
  confidential: boolean;
}

const dosageOf = (request: Json) => ((request['dosageInstruction'] as { text?: unknown }[] | undefined) ?? []).map((d) => (typeof d.text === 'string' ? d.text : '')).join('; ');
const quantityOf = (request: Json) => quantityText((request['dispenseRequest'] as Json | undefined)?.['quantity']);
const supplyDays = (request: Json) => ((request['dispenseRequest'] as Json | undefined)?.['expectedSupplyDuration'] as { value?: unknown } | undefined)?.value;

function courseOf(planItem: { reference: string; resource: Json; confidential: boolean }, statement: Json | undefined, issues: Json[], record: CareRecord): Course {
  const plan = planItem.resource;
  const typeCode = (extension(plan, PRESCRIPTION_TYPE)?.['valueCodeableConcept'] as { coding?: { code?: string }[] } | undefined)?.coding?.[0]?.code ?? 'acute';
  const typeName = conceptText(extension(plan, PRESCRIPTION_TYPE)?.['valueCodeableConcept']) || 'Acute';
  const agency = extension(statement, PRESCRIBING_AGENCY)?.['valueCodeableConcept'] as { coding?: { code?: string }[] } | undefined;
  const prescribedHere = agency === undefined || agency.coding?.[0]?.code === 'prescribed-at-gp-practice';
  const validity = (plan['dispenseRequest'] as Json | undefined)?.['validityPeriod'] as Json | undefined;
  const start = isoDate((statement?.['effectivePeriod'] as Json | undefined)?.['start']) ?? isoDate(validity?.['start']) ?? isoDate(plan['authoredOn']);
  const recordedEnd = isoDate(validity?.['end']) ?? isoDate((statement?.['effectivePeriod'] as Json | undefined)?.['end']);
  const days = supplyDays(plan);
  const acute = typeCode.startsWith('acute');
  const end = recordedEnd ?? (acute && start && typeof days === 'number' ? addDays(start, days) : undefined);
  const sortedIssues = [...issues].sort(byDateDescending((i) => isoDate(i['authoredOn'])));
  const lastIssued = isoDate(extension(statement, LAST_ISSUE_DATE)?.['valueDateTime']) ?? isoDate(sortedIssues[0]?.['authoredOn']);
  const statusReason = extension(plan, STATUS_REASON);
  const discontinued =
    plan['status'] === 'stopped'
      ? { date: isoDate(subExtensionValue(statusReason, 'statusChangeDate')) ?? recordedEnd, reason: conceptText(subExtensionValue(statusReason, 'statusReason')) }
      : undefined;
  const statementReference = statement ? `MedicationStatement/${String(statement['id'])}` : undefined;
  const problems = [...new Set([...record.linkedProblems(planItem.reference), ...(statementReference ? record.linkedProblems(statementReference) : [])])];
  const additional = [
    ...(problems.length > 0 ? [`Linked problems: ${problems.join(', ')}`] : []),
    ...(prescribedHere ? [] : [`Prescribed by: ${conceptText(agency)}`]),
    ...noteLines(plan),
    ...(statement ? noteLines(statement) : []),
  ];
  return {
    name: medicationName(plan, record),
    type: prescribedHere ? typeName : `${typeName} - ${conceptText(agency)}`,
    acute,
    prescribedHere,
    plan,
    start,
    end,
    endRecorded: recordedEnd !== undefined,
    issues: sortedIssues,
    lastIssued,
    discontinued,
    additional,
    confidential: planItem.confidential,
  };
}

function coursesOf(record: CareRecord): Course[] {
  const requests = record.items('medications', 'MedicationRequest');
  const statements = new Map(record.items('medications', 'MedicationStatement').map((s) => [referencesOf(s.resource['basedOn'])[0], s.resource]));
  const issuesByPlan = new Map<string, Json[]>();
  for (const issue of requests.filter((r) => r.resource['intent'] === 'order')) {
    const plan = referencesOf(issue.resource['basedOn'])[0];
    if (plan) issuesByPlan.set(plan, [...(issuesByPlan.get(plan) ?? []), issue.resource]);
  }
  return requests
    .filter((r) => r.resource['intent'] === 'plan')
    .map((plan) => courseOf(plan, statements.get(plan.reference), issuesByPlan.get(plan.reference) ?? [], record));
}

const text = textCell;

/** Additional Information, the discontinuation first (§6). */
const additionalLines = (c: Course) => [...(c.discontinued ? [`DISCONTINUED: ${c.discontinued.date ? formatHtmlDate(c.discontinued.date) : ''} ${c.discontinued.reason}`.trim()] : []), ...c.additional];
const row = (course: Course, cells: Row['cells'], group?: string): Row => ({
  cells,
  // A course with no end is still being taken (§6: open-ended repeats are ongoing).
  period: { start: course.start, end: course.end },
  confidential: course.confidential,
  ...(group !== undefined ? { group } : {}),
});

function acuteTable(courses: readonly Course[], today: string): Table {
  const yearAgo = addDays(today, -365);
  const acute = courses.filter((c) => c.acute && c.start !== undefined && c.start > yearAgo).sort(byDateDescending((c) => c.start));
  return {
    title: 'Acute Medication (Last 12 Months)',
    id: 'med-tab-acu-med',
    columns: ['Type', 'Start Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Scheduled End Date', 'Days Duration', 'Additional Information'],
    rows: acute.map((c) => row(c, [text(c.type), dateCell(c.start), text(c.name), text(dosageOf(c.plan)), text(quantityOf(c.plan)), dateCell(c.end), text(String(supplyDays(c.plan) ?? '')), text(...additionalLines(c))])),
    dateFilter: 'all',
    ...(acute.some((c) => !c.endRecorded)
      ? { notes: ['Scheduled End Date is not always captured in the source; where it was not recorded, the displayed date is calculated from start date and days duration'] }
      : {}),
  };
}

const repeatInformation = (course: Course, part: string) => subExtensionValue(extension(course.plan, REPEAT_INFORMATION), part);

function currentRepeatTable(courses: readonly Course[], today: string): Table {
  const current = courses.filter((c) => !c.acute && c.plan['status'] === 'active' && (c.end === undefined || c.end > today)).sort(byDateDescending((c) => c.start));
  return {
    title: 'Current Repeat Medication',
    id: 'med-tab-curr-rep',
    columns: ['Type', 'Start Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Last Issued Date', 'Number of Prescriptions Issued', 'Max Issues', 'Review Date', 'Additional Information'],
    rows: current.map((c) => {
      const maxIssues = repeatInformation(c, 'numberOfRepeatPrescriptionsAllowed');
      const review = isoDate(repeatInformation(c, 'authorisationExpiryDate'));
      // Issue dates and counts are this practice's: none for a course prescribed elsewhere (§6).
      const issued = c.prescribedHere ? [dateCell(c.lastIssued), text(String(c.issues.length))] : [dateCell(undefined), text('')];
      return row(c, [text(c.type), dateCell(c.start), text(c.name), text(dosageOf(c.plan)), text(quantityOf(c.plan)), ...issued, text(maxIssues === undefined ? '' : String(maxIssues)), dateCell(review), text(...additionalLines(c))]);
    }),
    dateFilter: 'all',
  };
}

function discontinuedRepeatTable(courses: readonly Course[]): Table {
  const discontinued = courses.filter((c) => !c.acute && c.discontinued !== undefined).sort(byDateDescending((c) => c.lastIssued));
  return {
    title: 'Discontinued Repeat Medication',
    id: 'med-tab-dis-rep',
    columns: ['Type', 'Last Issued Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Discontinued Date', 'Discontinuation Reason', 'Additional Information'],
    rows: discontinued.map((c) =>
      row(c, [text(c.type), dateCell(c.lastIssued), text(c.name), text(dosageOf(c.plan)), text(quantityOf(c.plan)), dateCell(c.discontinued!.date), text(c.discontinued!.reason), text(...c.additional)]),
    ),
    dateFilter: 'all',
    notes: ['All repeat medication ended by a clinician action'],
  };
}

/** Grouped by medication item A to Z, most recent first within a group. */
const grouped = (courses: readonly Course[]) => [...courses].sort((a, b) => a.name.localeCompare(b.name) || (b.start ?? '').localeCompare(a.start ?? ''));

function allMedicationTable(courses: readonly Course[]): Table {
  return {
    title: 'All Medication',
    id: 'med-tab-all-sum',
    columns: ['Type', 'Start Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Last Issued Date', 'Number of Prescriptions Issued', 'Discontinuation Details', 'Additional Information'],
    rows: grouped(courses).map((c) => {
      const discontinuation = c.discontinued ? `${c.discontinued.date ? `${formatHtmlDate(c.discontinued.date)} ` : ''}${c.discontinued.reason}` : '';
      const issued = c.prescribedHere ? [dateCell(c.lastIssued), text(String(c.issues.length))] : [dateCell(undefined), text('')];
      return row(c, [text(c.type), dateCell(c.start), text(c.name), text(dosageOf(c.plan)), text(quantityOf(c.plan)), ...issued, text(discontinuation), text(...c.additional)], c.name);
    }),
    dateFilter: 'consumer',
  };
}

/** Every issue of the courses All Medication shows: an issue is kept or dropped with its course, whatever its own date (§5). */
function allIssuesTable(courses: readonly Course[]): Table {
  return {
    title: 'All Medication Issues',
    id: 'med-tab-all-iss',
    columns: ['Type', 'Issue Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Days Duration', 'Additional Information'],
    rows: grouped(courses.filter((c) => c.prescribedHere)).flatMap((c) =>
      c.issues.map((issue) => row(c, [text(c.type), dateCell(isoDate(issue['authoredOn'])), text(c.name), text(dosageOf(issue)), text(quantityOf(issue)), text(String(supplyDays(issue) ?? '')), text(...noteLines(issue))], c.name)),
    ),
    dateFilter: 'consumer',
  };
}

export function medicationTables(record: CareRecord): Table[] {
  const courses = coursesOf(record);
  return [acuteTable(courses, record.today), currentRepeatTable(courses, record.today), discontinuedRepeatTable(courses), allMedicationTable(courses), allIssuesTable(courses)];
}

/** The summary's medication subsections. */
export function currentMedicationTables(record: CareRecord): Table[] {
  const courses = coursesOf(record);
  return [acuteTable(courses, record.today), currentRepeatTable(courses, record.today)];
}
