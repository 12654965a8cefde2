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

export function medicationsArea(items: readonly ClinicalItemRow[], options: MedicationOptions, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const parsed = items.map((item) => ({ item, resource: JSON.parse(item.resource) as Json }));
  const byReference = new Map(parsed.map((p) => [`${p.resource['resourceType'] as string}/${p.item.id}`, p]));
  const statements = parsed.filter((p) => p.item.resource_type === 'MedicationStatement');
  // Issues by the authorisation they were issued under, in one pass.
  const ordersByPlan = new Map<string, typeof parsed>();
  for (const p of parsed) {
    if (p.resource['intent'] !== 'order') continue;
    for (const plan of ((p.resource['basedOn'] as unknown[] | undefined) ?? []).map(referenceOf)) {
      if (plan) ordersByPlan.set(plan, [...(ordersByPlan.get(plan) ?? []), p]);
    }
  }
  const courses = statements
    .map((statement) => {
      const planReference = referenceOf((statement.resource['basedOn'] as unknown[] | undefined)?.[0]);
      const plan = planReference ? byReference.get(planReference) : undefined;
      const medication = byReference.get(referenceOf(statement.resource['medicationReference']) ?? '');
      const orders = planReference ? (ordersByPlan.get(planReference) ?? []) : [];
      return { statement, plan, medication, orders };
    })
    .filter((course) => options.fromDate === undefined || activeSince(course.statement.resource, course.plan?.resource, options.fromDate));
  const shown = courses.filter((course) => !course.statement.item.confidential);
  const list = clinicalList(LIST, patientId, shown.map((c) => ({ reference: `MedicationStatement/${c.statement.item.id}` })), shown.length < courses.length, recordWarnings);
  const resources = shown.flatMap((c) => [c.statement, c.plan, c.medication, ...(options.includeIssues ? c.orders : [])].filter((p) => p !== undefined).map((p) => stored(p.item)));
  return { resources: [list, ...resources] };
}
