import { PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's laboratory reports (testdata README: patient2 and patient3 "a lab report from a test
 * request with specimen, test group, results and a filing comment"; structured.md §5.7): a full blood
 * count. Codes as in the specification's investigations example; units are the correct UCUM units
 * for each result (the example's are not all right); dates are days before the load day.
 */

const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const concept = (code: string, display: string) => ({ coding: [{ system: SNOMED, code, display }] });

/** The full blood count of the specification's example: the test requested and its test group. */
export const FULL_BLOOD_COUNT_TEST = { code: '26604007', display: 'FBC - Full blood count' };
const DIAGNOSTIC_STUDIES_REPORT = concept('721981007', 'Diagnostic studies report');
const VENOUS_BLOOD = concept('122555007', 'Venous blood specimen');
const COMMENT_NOTE = concept('37331000000100', 'Comment note');

export interface Result {
  code: string;
  display: string;
  value: number;
  unit: string;
  low: number;
  high: number;
}

export const FBC_RESULTS = (haemoglobin: number): Result[] => [
  { code: '1022541000000102', display: 'Total white cell count', value: 5.7, unit: '10*9/L', low: 3.5, high: 11 },
  { code: '1022451000000103', display: 'Red blood cell count', value: 4.57, unit: '10*12/L', low: 3.8, high: 5.8 },
  { code: '1022431000000105', display: 'Haemoglobin estimation', value: haemoglobin, unit: 'g/L', low: 115, high: 165 },
  { code: '1022491000000106', display: 'Mean corpuscular volume', value: 93.4, unit: 'fL', low: 80, high: 99 },
];

const REPORTS: Record<string, { daysAgo: number; haemoglobin: number; filingComment: string }[]> = {
  '2': [{ daysAgo: 45, haemoglobin: 142, filingComment: 'Normal - no action' }],
  '3': [{ daysAgo: 600, haemoglobin: 109, filingComment: 'Low haemoglobin - repeat in 3 months' }],
};

/** A laboratory report with its dates resolved: what renderReport needs, whoever plans the record. */
export interface ReportRecord {
  /** The test requested, which also names the test group. */
  test: { code: string; display: string };
  results: readonly Result[];
  /** ISO date the report was issued; the specimen was taken two days before and received the day before. */
  issuedOn: string;
  /** The clinician's filing comment, when one was written (a comment note, SNOMED 37331000000100). */
  filingComment?: string | undefined;
}

/**
 * One report and everything in it, each a record item of the investigations area (structured.md
 * §5.7), with ids `<base>-report`, `-request`, `-specimen`, `-group`... ; the report comes first.
 */
export function renderReport(base: string, patientId: string, gpId: string, report: ReportRecord): { id: string; resource: Record<string, unknown> }[] {
  const day = report.issuedOn;
  const collected = `${addDays(day, -2)}T09:15:00+00:00`;
  const issued = `${day}T12:00:00+00:00`;
  const testGroup = concept(report.test.code, report.test.display);
  const ids = { report: `${base}-report`, request: `${base}-request`, specimen: `${base}-specimen`, group: `${base}-test-group`, comment: `${base}-filing-comment` };
  const common = (id: string, profile: string) => ({ id, meta: { profile: [profile] }, identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }] });
  const subject = { reference: `Patient/${patientId}` };
  const results = report.results.map((result, k) => ({
    resourceType: 'Observation',
    ...common(`${base}-result-${k + 1}`, PROFILES.observation),
    status: 'final',
    code: concept(result.code, result.display),
    subject,
    effectiveDateTime: collected,
    issued,
    valueQuantity: { value: result.value, unit: result.unit, system: UCUM, code: result.unit },
    ...(result.value < result.low || result.value > result.high ? { interpretation: { text: 'Abnormal' } } : {}),
    specimen: { reference: `Specimen/${ids.specimen}` },
    referenceRange: [{ low: { value: result.low, unit: result.unit, system: UCUM, code: result.unit }, high: { value: result.high, unit: result.unit, system: UCUM, code: result.unit } }],
    related: [{ type: 'derived-from', target: { reference: `Observation/${ids.group}` } }],
  }));
  const resources: Record<string, unknown>[] = [
    {
      resourceType: 'DiagnosticReport',
      ...common(ids.report, PROFILES.diagnosticReport),
      basedOn: [{ reference: `ProcedureRequest/${ids.request}` }],
      status: 'final',
      code: DIAGNOSTIC_STUDIES_REPORT,
      subject,
      issued,
      specimen: [{ reference: `Specimen/${ids.specimen}` }],
      result: [{ reference: `Observation/${ids.group}` }, ...(report.filingComment ? [{ reference: `Observation/${ids.comment}` }] : [])],
    },
    { resourceType: 'ProcedureRequest', ...common(ids.request, PROFILES.procedureRequest), status: 'active', intent: 'order', code: testGroup, subject, requester: { agent: { reference: `Practitioner/${gpId}` } } },
    { resourceType: 'Specimen', ...common(ids.specimen, PROFILES.specimen), status: 'available', type: VENOUS_BLOOD, subject, receivedTime: `${addDays(day, -1)}T08:00:00+00:00`, collection: { collectedDateTime: collected } },
    {
      resourceType: 'Observation',
      ...common(ids.group, PROFILES.observation),
      status: 'final',
      code: testGroup,
      subject,
      effectiveDateTime: collected,
      issued,
      specimen: { reference: `Specimen/${ids.specimen}` },
      related: results.map((r) => ({ type: 'has-member', target: { reference: `Observation/${r.id}` } })),
    },
    ...results,
    ...(report.filingComment
      ? [
          {
            resourceType: 'Observation',
            ...common(ids.comment, PROFILES.observation),
            status: 'unknown',
            code: COMMENT_NOTE,
            subject,
            effectiveDateTime: issued,
            issued,
            performer: [{ reference: `Practitioner/${gpId}` }],
            comment: report.filingComment,
          },
        ]
      : []),
  ];
  return resources.map((resource) => ({ id: resource['id'] as string, resource }));
}

/** A report's parts (renderReport) as record items of the investigations area, report first. */
export function reportItems(base: string, patientId: string, gpId: string, report: ReportRecord, confidential = false): RecordItem[] {
  const parts = renderReport(base, patientId, gpId, report);
  const issued = parts[0]!.resource['issued'] as string;
  // Every part of a report is dated by the report's issue, which the search period applies to.
  return parts.map(({ id, resource }) => ({ id, area: 'investigations', resourceType: resource['resourceType'] as string, resource, effective: issued, status: (resource['status'] as string | undefined) ?? null, confidential }));
}

/** The investigation rows of the roster's patients; the usual GP requested the tests and filed the results. */
export function planInvestigations(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (REPORTS[patient.id] ?? []).flatMap((report, index) =>
      reportItems(`${patient.id}-investigation-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', {
        test: FULL_BLOOD_COUNT_TEST,
        results: FBC_RESULTS(report.haemoglobin),
        issuedOn: addDays(today, -report.daysAgo),
        filingComment: report.filingComment,
      }).map((item) => clinicalItemRow(row, patient.id, item)),
    ),
  );
}
