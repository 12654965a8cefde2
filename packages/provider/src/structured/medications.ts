import type { ClinicalItemRow } from '@gpconnect/store';
import { clinicalList, stored, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * The medications area (structured.md §5.2): the "Medications and medical devices" List of
 * MedicationStatements, each returned with its authorisation (MedicationRequest, plan), its
 * Medication and — unless issues are not wanted — its issues (MedicationRequest, order).
 * `medicationSearchFromDate` keeps the courses active on or after the date; what another
 * organisation prescribed is always returned. A confidential course is withheld whole.
 */

type Json = Record<string, unknown>;

const LIST = { code: '933361000000108', display: 'Medications and medical devices', title: 'Medications and medical devices' };

export interface MedicationOptions {
  includeIssues: boolean;
  /** YYYY-MM-DD: only courses active on or after it. */
  fromDate: string | undefined;
}

const referenceOf = (value: unknown) => (value as { reference?: string } | undefined)?.reference;
const codeOf = (resource: Json, name: string) =>
  (((resource['extension'] as Json[] | undefined) ?? []).find((e) => String(e['url']).endsWith(`-${name}-1`))?.['valueCodeableConcept'] as { coding?: { code?: string }[] } | undefined)?.coding?.[0]?.code;

/** Whether a course is active on or after `from` (§5.2): up to its end; without one, acute on its start day only, anything else from its start on. */
function activeSince(statement: Json, plan: Json | undefined, from: string): boolean {
  if (codeOf(statement, 'PrescribingAgency') === 'prescribed-by-another-organisation') return true;
  const period = (statement['effectivePeriod'] ?? {}) as { start?: string; end?: string };
  if (period.end) return period.end.slice(0, 10) >= from;
  if (plan && codeOf(plan, 'PrescriptionType') === 'acute') return (period.start ?? '').slice(0, 10) >= from;
  return true;
}

/**
 * The authorisation an issue was made under, read off its stored text: a record holds far more issues
 * than courses, and parsing each only to find one reference is most of this area's cost. Stored JSON
 * is compact and written by this system, so an issue's text holds `"intent":"order"` and its
 * `"basedOn":[{"reference":"MedicationRequest/<id>"` exactly so.
 */
function issuedUnder(row: ClinicalItemRow): string | undefined {
  if (row.resource_type !== 'MedicationRequest' || !row.resource.includes('"intent":"order"')) return undefined;
  return /"basedOn":\[\{"reference":"([^"]+)"/.exec(row.resource)?.[1];
}

export function medicationsArea(items: readonly ClinicalItemRow[], options: MedicationOptions, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const byReference = new Map(items.map((item) => [`${item.resource_type}/${item.id}`, item]));
  const ordersByPlan = new Map<string, ClinicalItemRow[]>();
  for (const item of items) {
    const plan = issuedUnder(item);
    if (!plan) continue;
    const orders = ordersByPlan.get(plan);
    if (orders) orders.push(item);
    else ordersByPlan.set(plan, [item]);
  }
  const parse = (item: ClinicalItemRow | undefined) => (item ? (JSON.parse(item.resource) as Json) : undefined);
  const courses = items
    .filter((item) => item.resource_type === 'MedicationStatement')
    .map((statement) => {
      const resource = parse(statement)!;
      const planReference = referenceOf((resource['basedOn'] as unknown[] | undefined)?.[0]);
      const plan = planReference ? byReference.get(planReference) : undefined;
      const medication = byReference.get(referenceOf(resource['medicationReference']) ?? '');
      const orders = planReference ? (ordersByPlan.get(planReference) ?? []) : [];
      return { statement, resource, plan, medication, orders };
    })
    .filter((course) => options.fromDate === undefined || activeSince(course.resource, parse(course.plan), options.fromDate));
  const shown = courses.filter((course) => !course.statement.confidential);
  const list = clinicalList(LIST, patientId, shown.map((c) => ({ reference: `MedicationStatement/${c.statement.id}` })), shown.length < courses.length, recordWarnings);
  const resources = shown.flatMap((c) => [c.statement, c.plan, c.medication, ...(options.includeIssues ? c.orders : [])].filter((item) => item !== undefined).map(stored));
  return { resources: [list, ...resources] };
}
