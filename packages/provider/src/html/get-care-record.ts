import { fail, ukLocalDate } from '@gpconnect/fhir';
import { findPatientRecord, type Database, type Kysely } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { findDocumentsPatient } from '../documents/documents-patient.ts';
import { AREA_PARAMETERS } from '../structured/structured-parameters.ts';
import { careRecordBundle } from './care-record-bundle.ts';
import { readCareRecordRequest, RECORD_SECTIONS } from './care-record-request.ts';
import { CareRecord } from './care-record.ts';
import { renderSection } from './section-view.ts';
import { SECTION_TABLES } from './sections/index.ts';

/** Every area of the record: sections draw on several (a consultation names items of every area). */
const ALL_AREAS = Object.keys(AREA_PARAMETERS);

/** The practice's practitioners by id, as a table names them ("Dr Nichole Gilbert"). */
async function practitionerNames(db: Kysely<Database>, practiceOds: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('practitioner').select(['id', 'resource']).where('practice_ods', '=', practiceOds).execute();
  return new Map(
    rows.map((row) => {
      const name = ((JSON.parse(row.resource) as { name?: { prefix?: string[]; given?: string[]; family?: string }[] }).name ?? [])[0];
      return [row.id, [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family ?? ''].join(' ').trim()];
    }),
  );
}

/**
 * $gpc.getcarerecord (Access Record HTML 0.7.4): one section of the patient's record as XHTML,
 * rendered from the same stored record the structured API serves. The token must name the patient
 * the body asks for; the patient rules are Access Document's (registered here for GMS, shareable,
 * a recent death still served), and dissent is 403.
 */
export const getCareRecord: Handler = async ({ practice, body, context }, { db, clock, config, ids }) => {
  const now = clock();
  const request = readCareRecordRequest(body);
  context.patientNhsNumber = request.nhsNumber;
  if (context.requester?.requestedNhsNumber !== request.nhsNumber) fail('BAD_REQUEST', 'The JWT requested_record names a different patient from patientNHSNumber');
  const patient = await findDocumentsPatient(db, practice.ods_code, { nhsNumber: request.nhsNumber }, context, now, config.documentsDeceasedAccessDays);
  if (!patient) fail('PATIENT_NOT_FOUND', `No patient with NHS number ${request.nhsNumber} whose record can be shared`);
  if (patient.row.dissent) fail('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');

  const today = ukLocalDate(now);
  // While the record is still arriving from the previous practice, only what was entered here is shown (§6).
  const enteredSince = patient.row.record_in_transit ? (patient.row.registration_start ?? today) : undefined;
  const [rows, names] = await Promise.all([findPatientRecord(db, practice.ods_code, patient.row.id, ALL_AREAS), practitionerNames(db, practice.ods_code)]);
  const record = new CareRecord(rows, today, names, enteredSince);
  const tables = SECTION_TABLES[request.section](record, { practiceName: practice.name });
  const xhtml = renderSection({ code: request.section, title: RECORD_SECTIONS[request.section].title, tables, recordInTransitSince: enteredSince }, request.period);
  const json = await careRecordBundle(db, {
    practice,
    patient: { resource: patient.served.json, version: patient.served.version, usualGpId: patient.row.usual_gp_id, deceasedAt: patient.row.deceased_at ?? patient.row.pds_deceased_at },
    section: request.section,
    xhtml,
    compositionId: ids(),
    traceId: context.traceId,
    now,
    config,
  });
  return { status: 200, json };
};
