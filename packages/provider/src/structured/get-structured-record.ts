import { fail, PROFILES, ukLocalDate } from '@gpconnect/fhir';
import { findClinicalItems, readResource, type ClinicalItemRow, type Database, type Kysely, type PracticeRow } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { findDisclosablePatientByNhsNumber } from '../foundations/patients.ts';
import { AREA_PARAMETERS, readStructuredParameters, type AreaParts, type DatePeriod, type StructuredArea } from './structured-parameters.ts';
import { allergiesArea } from './allergies.ts';
import { medicationsArea } from './medications.ts';
import { uncategorisedArea } from './uncategorised.ts';
import { immunisationsArea } from './immunisations.ts';
import { dataInTransit, type AreaContent, type ListWarning } from './record-lists.ts';
import { diaryArea, referralsArea } from './referrals-and-diary.ts';
import { investigationsArea } from './investigations.ts';

/**
 * $gpc.getstructuredrecord (structured.md): the request checked in full (§2), the patient rules
 * (§2.2), and the Bundle (§3) with the patient, the practice, the usual GP and the warnings (§4).
 *
 * Clinical areas land one by one (AREA_BUILDERS). A requested area not served yet is reported the way
 * the spec reports an area a practice has switched off — a "has been disabled" warning with HTTP 200
 * (§4, §7) — never as an empty List, which would tell a clinician that nothing is recorded when it
 * may be.
 */

type Json = Record<string, unknown>;

type AreaBuilder = (items: ClinicalItemRow[], parts: AreaParts, patientId: string, recordWarnings: ListWarning[]) => AreaContent;

/**
 * The areas this provider serves, each built from the patient's items of that area (stored under the
 * same name) and the parts it was asked with. Grows as each area's store and rendering land.
 */
const AREA_BUILDERS: Partial<Record<StructuredArea, AreaBuilder>> = {
  allergies: (items, parts, patientId, warnings) => allergiesArea(items, parts['includeResolvedAllergies'] === true, patientId, warnings),
  medications: (items, parts, patientId, warnings) =>
    medicationsArea(items, { includeIssues: parts['includePrescriptionIssues'] !== false, fromDate: parts['medicationSearchFromDate'] as string | undefined }, patientId, warnings),
  immunisations: (items, parts, patientId, warnings) => immunisationsArea(items, parts['includeNotGiven'] === true, patientId, warnings),
  uncategorised: (items, parts, patientId, warnings) => uncategorisedArea(items, parts['uncategorisedDataSearchPeriod'] as DatePeriod | undefined, patientId, warnings),
  investigations: (items, parts, patientId, warnings) => investigationsArea(items, parts['investigationSearchPeriod'] as DatePeriod | undefined, patientId, warnings),
  referrals: (items, parts, patientId, warnings) => referralsArea(items, parts['referralSearchPeriod'] as DatePeriod | undefined, patientId, warnings),
  diaryEntries: (items, parts, patientId, warnings) => diaryArea(items, parts['diaryEntriesSearchDate'] as string | undefined, patientId, warnings),
};

const WARNING_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';

function warning(text: string, diagnostics: string): Json {
  return {
    severity: 'warning',
    code: 'not-supported',
    details: { coding: [{ system: WARNING_SYSTEM, code: 'NOT_IMPLEMENTED', display: 'Not implemented' }], text },
    diagnostics,
  };
}

/** A stored resource as a structured Bundle carries it: no versionId or lastUpdated (§3). */
function withoutVersionMeta(json: string): Json {
  const resource = JSON.parse(json) as Json;
  const { versionId: _v, lastUpdated: _l, ...meta } = (resource['meta'] ?? {}) as Json;
  return { ...resource, meta };
}

/**
 * The practice's Organization, and each practitioner (the usual GP and whoever the returned items
 * reference) once, with their role when they have exactly one (§3's known issue).
 */
async function adminResources(db: Kysely<Database>, practice: PracticeRow, practitionerIds: readonly string[]): Promise<Json[]> {
  const organisation = await readResource(db, 'organisation', practice.ods_code, practice.organisation_id);
  const resources = organisation ? [withoutVersionMeta(organisation.resource)] : [];
  for (const id of new Set(practitionerIds)) {
    const practitioner = await readResource(db, 'practitioner', practice.ods_code, id);
    if (!practitioner) continue;
    resources.push(withoutVersionMeta(practitioner.resource));
    const roles = await db.selectFrom('practitioner_role').select('resource').where('practice_ods', '=', practice.ods_code).where('practitioner_id', '=', id).execute();
    if (roles.length === 1) resources.push(withoutVersionMeta(roles[0]!.resource));
  }
  return resources;
}

export const getStructuredRecord: Handler = async ({ practice, body, context }, { db, clock }) => {
  const now = clock();
  const request = readStructuredParameters(body, ukLocalDate(now));
  const found = await findDisclosablePatientByNhsNumber(db, practice.ods_code, request.nhsNumber, context, now);
  if (!found) fail('PATIENT_NOT_FOUND', `No patient with NHS number ${request.nhsNumber} whose record can be shared`);
  // Only patients registered here for GMS (Regular) have a record to share; temporary residents' is elsewhere.
  if (found.row.registration_type !== 'R') fail('PATIENT_NOT_FOUND', `NHS number ${request.nhsNumber} is not registered here as a regular patient`);
  if (found.row.dissent) fail('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');

  // An area is returned when this provider serves it and the practice has not switched it off (§7).
  const switchedOff = new Set(practice.structured_areas_disabled);
  const returned = (area: StructuredArea) => AREA_BUILDERS[area] !== undefined && !switchedOff.has(area);
  const issues = [
    ...request.unrecognised.map((name) => warning(`${name} is an unrecognised parameter`, name)),
    ...(Object.keys(request.areas) as StructuredArea[]).filter((area) => !returned(area)).map((area) => warning(`${AREA_PARAMETERS[area]} has been disabled`, AREA_PARAMETERS[area])),
  ];
  const patientId = found.row.id;
  // A record still arriving from the previous practice is flagged on every List (§6.4).
  const recordWarnings = found.row.record_in_transit ? [dataInTransit(found.row.registration_start ?? ukLocalDate(now))] : [];
  const areas: AreaContent[] = [];
  for (const area of Object.keys(request.areas) as StructuredArea[]) {
    const build = AREA_BUILDERS[area];
    if (!build || !returned(area)) continue;
    const items = await findClinicalItems(db, practice.ods_code, patientId, area);
    areas.push(build(items, request.areas[area]!, patientId, recordWarnings));
  }
  const practitionerIds = [...(found.row.usual_gp_id ? [found.row.usual_gp_id] : []), ...areas.flatMap((a) => a.practitionerIds)];
  const resources: Json[] = [
    withoutVersionMeta(found.served.json),
    ...(await adminResources(db, practice, practitionerIds)),
    ...areas.flatMap((a) => a.resources),
    ...(issues.length > 0 ? [{ resourceType: 'OperationOutcome', meta: { profile: [PROFILES.operationOutcome] }, issue: issues }] : []),
  ];
  const bundle = {
    resourceType: 'Bundle',
    id: context.traceId,
    meta: { profile: [PROFILES.structuredRecordBundle] },
    type: 'collection',
    entry: resources.map((resource) => ({ resource })),
  };
  return { status: 200, json: JSON.stringify(bundle) };
};
