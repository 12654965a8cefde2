import { PROFILES, ukLocalDate } from '@gpconnect/fhir';
import { findPatientRecord, readResources, type ClinicalItemRow, type Database, type Kysely, type PracticeRow } from '@gpconnect/store';
import type { SharablePatient } from './sharable-patient.ts';
import { AREA_PARAMETERS, SWITCH_NAMES, type AreaParts, type DatePeriod, type RecordArea, type StructuredArea } from './structured-parameters.ts';
import { allergiesArea } from './allergies.ts';
import { medicationsArea } from './medications.ts';
import { uncategorisedArea } from './uncategorised.ts';
import { immunisationsArea } from './immunisations.ts';
import { dataInTransit, stored, StoredResource, type AreaContent, type Served } from './record-lists.ts';
import { PatientRecord } from './patient-record.ts';
import { LinkContext } from './linked-content.ts';
import { problemsArea, type ProblemsContent } from './problems.ts';
import { consultationsArea } from './consultations.ts';
import { relatedProblems } from './related-problems.ts';
import { diaryArea, referralsArea } from './referrals-and-diary.ts';
import { investigationsArea } from './investigations.ts';
import { documentItems, linksDocuments, withLinkedLetters } from './linked-documents.ts';
import { entryPieces, JsonText } from '../http/json-text.ts';

/**
 * The Bundle of a structured record (structured.md §3), shared by $gpc.getstructuredrecord and
 * $gpc.migratestructuredrecord: the patient, the practice, the practitioners involved, every
 * requested area (AREA_BUILDERS) with what it links to, the one related-problems List (§6.3), and the
 * warnings (§4). The patient's record is read in one round trip; each resource appears once. An area
 * the practice switched off — asked for, or reached through a link — is a "has been disabled" warning
 * with HTTP 200 (§7), never an empty List that would tell a clinician nothing is recorded.
 */

type Json = Record<string, unknown>;

type AreaBuilder = (context: LinkContext, parts: AreaParts) => AreaContent | ProblemsContent;

/** Each area's builder, from the patient's record and the parts it was asked with. */
const AREA_BUILDERS: Record<StructuredArea, AreaBuilder> = {
  allergies: ({ record, patientId, recordWarnings }, parts) => allergiesArea(record.itemsOf('allergies'), parts['includeResolvedAllergies'] === true, patientId, recordWarnings),
  medications: ({ record, patientId, recordWarnings }, parts) =>
    medicationsArea(record.itemsOf('medications'), { includeIssues: parts['includePrescriptionIssues'] !== false, fromDate: parts['medicationSearchFromDate'] as string | undefined }, patientId, recordWarnings),
  consultations: (context, parts) => consultationsArea(context, { period: parts['consultationSearchPeriod'] as DatePeriod | undefined, mostRecent: parts['includeNumberOfMostRecent'] as number | undefined }),
  problems: (context, parts) => problemsArea(context, parts['filterStatus'] as string | undefined),
  immunisations: ({ record, patientId, recordWarnings }, parts) =>
    immunisationsArea(record.itemsOf('immunisations'), { includeNotGiven: parts['includeNotGiven'] === true, includeStatus: parts['includeStatus'] !== false }, patientId, recordWarnings),
  uncategorised: ({ record, patientId, recordWarnings }, parts) => uncategorisedArea(record.itemsOf('uncategorised'), parts['uncategorisedDataSearchPeriod'] as DatePeriod | undefined, patientId, recordWarnings),
  investigations: ({ record, patientId, recordWarnings }, parts) => investigationsArea(record, parts['investigationSearchPeriod'] as DatePeriod | undefined, patientId, recordWarnings),
  referrals: (context, parts) => withLinkedLetters(context, referralsArea(context.record.itemsOf('referrals'), parts['referralSearchPeriod'] as DatePeriod | undefined, context.patientId, context.recordWarnings)),
  diaryEntries: ({ record, patientId, recordWarnings }, parts) => diaryArea(record.itemsOf('diaryEntries'), parts['diaryEntriesSearchDate'] as string | undefined, patientId, recordWarnings),
};

/**
 * The areas a request reads: those asked for and the problems (for the related-problems List); all of
 * them when problems or consultations are asked for, since their links reach into every area.
 */
function areasToRead(requested: readonly StructuredArea[]): StructuredArea[] {
  if (requested.length === 0) return [];
  if (requested.includes('problems') || requested.includes('consultations')) return Object.keys(AREA_PARAMETERS) as StructuredArea[];
  return [...new Set<StructuredArea>([...requested, 'problems'])];
}

const keyOf = (resource: Served) => (resource instanceof StoredResource ? resource.key : typeof resource['id'] === 'string' ? `${resource['resourceType'] as string}/${resource['id']}` : undefined);

/** Each resource once, where several areas return it (§3); Lists without an id are all distinct. */
function once(resources: readonly Served[]): Served[] {
  const seen = new Set<string>();
  return resources.filter((resource) => {
    const key = keyOf(resource);
    if (key === undefined) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const WARNING_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';

function warning(text: string, diagnostics: string): Json {
  return {
    severity: 'warning',
    code: 'not-supported',
    details: { coding: [{ system: WARNING_SYSTEM, code: 'NOT_IMPLEMENTED', display: 'Not implemented' }], text },
    diagnostics,
  };
}

/**
 * Ids of the Practitioners the clinical resources reference (as recorder, asserter, performer...),
 * read off their JSON text: the resources are compact JSON, serialised or stored, so a reference is
 * always spelt `"reference":"Practitioner/<id>"`.
 */
function referencedIds(texts: readonly string[]): { Practitioner: string[]; Organization: string[] } {
  const ids = { Practitioner: new Set<string>(), Organization: new Set<string>() };
  // One pass over the text for both types: a record runs to megabytes.
  const pattern = /"reference":"(Practitioner|Organization)\/([^"]+)"/g;
  for (const text of texts) for (const match of text.matchAll(pattern)) ids[match[1] as 'Practitioner' | 'Organization'].add(match[2]!);
  return { Practitioner: [...ids.Practitioner], Organization: [...ids.Organization] };
}

/** A stored resource as a structured Bundle carries it: no versionId or lastUpdated (§3). */
function withoutVersionMeta(json: string): Json {
  const resource = JSON.parse(json) as Json;
  const { versionId: _v, lastUpdated: _l, ...meta } = (resource['meta'] ?? {}) as Json;
  return { ...resource, meta };
}

/**
 * The practice's Organization and any other the returned items reference (a document's author),
 * and each practitioner (the usual GP and whoever the returned items reference) once, with their
 * role when they have exactly one (§3's known issue).
 */
async function adminResources(db: Kysely<Database>, practice: PracticeRow, organisationIds: readonly string[], practitionerIds: readonly string[]): Promise<Json[]> {
  const ods = practice.ods_code;
  const organisationOrder = [...new Set([practice.organisation_id, ...organisationIds])];
  const practitionerOrder = [...new Set(practitionerIds)];
  // Three queries at once, whatever the number of practitioners: each is a round trip the ceiling does not make.
  const [organisations, practitioners, roles] = await Promise.all([
    readResources(db, 'organisation', ods, organisationOrder),
    readResources(db, 'practitioner', ods, practitionerOrder),
    practitionerOrder.length === 0
      ? Promise.resolve([])
      : db.selectFrom('practitioner_role').select(['practitioner_id', 'resource']).where('practice_ods', '=', ods).where('practitioner_id', 'in', practitionerOrder).execute(),
  ]);
  const byId = <T extends { id: string }>(rows: readonly T[]) => new Map(rows.map((row) => [row.id, row]));
  const organisationById = byId(organisations);
  const practitionerById = byId(practitioners);
  const rolesOf = new Map<string, string[]>();
  for (const role of roles) rolesOf.set(role.practitioner_id, [...(rolesOf.get(role.practitioner_id) ?? []), role.resource]);
  const resources: Json[] = organisationOrder.flatMap((id) => {
    const organisation = organisationById.get(id);
    return organisation ? [withoutVersionMeta(organisation.resource)] : [];
  });
  for (const id of practitionerOrder) {
    const practitioner = practitionerById.get(id);
    if (!practitioner) continue;
    resources.push(withoutVersionMeta(practitioner.resource));
    const own = rolesOf.get(id) ?? [];
    if (own.length === 1) resources.push(withoutVersionMeta(own[0]!));
  }
  return resources;
}

export interface BundleRequest {
  areas: Partial<Record<StructuredArea, AreaParts>>;
  /** Diagnostics of unrecognised parameters, reported as warnings. */
  unrecognised: readonly string[];
  /** Areas the practice switched off, documents included (migrate ignores the switches). */
  switchedOff: ReadonlySet<RecordArea>;
  /**
   * Where the practice's documents are retrieved (the Access Document service root), and whether every
   * document comes with the record (a migration, §9) rather than only those items link to (§5.10).
   */
  documents: { baseUrl: string; all: boolean };
  /** Confidential items are returned, labelled NOPAT, rather than withheld (migrate with sensitive information). */
  discloseConfidential: boolean;
}

/** The NOPAT label a disclosed confidential item carries (structured.md §3). */
const NOPAT = { system: 'http://hl7.org/fhir/v3/ActCode', code: 'NOPAT', display: "no disclosure to patient, family or caregivers without attending provider's authorization" };

function disclosed(row: ClinicalItemRow): ClinicalItemRow {
  if (!row.confidential) return row;
  const resource = JSON.parse(row.resource) as Json;
  const meta = (resource['meta'] ?? {}) as Json;
  const labelled = { ...resource, meta: { ...meta, security: [...((meta['security'] as Json[] | undefined) ?? []), NOPAT] } };
  return { ...row, confidential: false, resource: JSON.stringify(labelled) };
}

export async function structuredBundle(db: Kysely<Database>, practice: PracticeRow, patient: SharablePatient, request: BundleRequest, traceId: string | null, now: Date): Promise<JsonText> {
  const { switchedOff } = request;
  const requested = Object.keys(request.areas) as StructuredArea[];
  const patientId = patient.row.id;
  // A record still arriving from the previous practice is flagged on every List (§6.4).
  const recordWarnings = patient.row.record_in_transit ? [dataInTransit(patient.row.registration_start ?? ukLocalDate(now))] : [];
  const rows = await findPatientRecord(db, practice.ods_code, patientId, areasToRead(requested));
  // A migration takes every document whatever its size (Migrate a document has no limit).
  const documents = request.documents.all || linksDocuments(rows) ? await documentItems(db, practice.ods_code, patientId, request.documents.baseUrl, request.documents.all ? Number.POSITIVE_INFINITY : undefined) : [];
  const record = new PatientRecord(request.discloseConfidential ? [...rows, ...documents].map(disclosed) : [...rows, ...documents]);
  const links = new LinkContext(record, patientId, recordWarnings, switchedOff);
  const areas: AreaContent[] = [];
  let primaryProblems = new Set<string>();
  let directlyRelated = new Set<string>();
  for (const area of requested) {
    if (switchedOff.has(area)) continue;
    const content = AREA_BUILDERS[area](links, request.areas[area]!);
    if ('primary' in content) ({ primary: primaryProblems, directlyRelated } = content);
    areas.push(content);
  }
  // A migration carries every document the record holds (§9), confidential ones only when disclosed.
  if (request.documents.all) areas.push({ resources: record.itemsOf('documents').filter((row) => !row.confidential).map(stored) });
  const returned = new Set(areas.flatMap((a) => a.resources.map(keyOf).filter((key) => key !== undefined)));
  const related = requested.length > 0 ? relatedProblems(links, returned, primaryProblems, directlyRelated) : undefined;
  if (related) areas.push(related);
  const disabled = [...new Set([...requested.filter((area) => switchedOff.has(area)), ...links.disabledLinked])];
  const issues = [
    ...request.unrecognised.map((name) => warning(`${name} is an unrecognised parameter`, name)),
    ...disabled.map((area) => warning(`${SWITCH_NAMES[area]} has been disabled`, SWITCH_NAMES[area])),
  ];
  // Stored resources go out as the text they are stored as; only what was built here is serialised.
  const clinical = once(areas.flatMap((a) => a.resources)).map((r) => (r instanceof StoredResource ? r.json : JSON.stringify(r)));
  const referenced = referencedIds(clinical);
  const practitionerIds = [...(patient.row.usual_gp_id ? [patient.row.usual_gp_id] : []), ...referenced.Practitioner];
  const entries = [
    JSON.stringify(withoutVersionMeta(patient.served.json)),
    ...(await adminResources(db, practice, referenced.Organization, practitionerIds)).map((r) => JSON.stringify(r)),
    ...clinical,
    ...(issues.length > 0 ? [JSON.stringify({ resourceType: 'OperationOutcome', meta: { profile: [PROFILES.operationOutcome] }, issue: issues })] : []),
  ];
  const head = JSON.stringify({ resourceType: 'Bundle', id: traceId, meta: { profile: [PROFILES.structuredRecordBundle] }, type: 'collection' });
  return new JsonText([`${head.slice(0, -1)},"entry":[`, ...entryPieces(entries), ']}']);
}
