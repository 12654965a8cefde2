import { ALL_CAPABILITIES, isValidNhsNumber } from '@gpconnect/fhir';
import type { PatientRow, PdsDemographics, PdsPerson, ResourceColumns } from '@gpconnect/store';
import { parseIsoDate } from './dates.ts';
import { patientCircumstances } from './patient-circumstances.ts';
import { planAppointmentCapacity, type PlannedScheduleRow, type PlannedSlotRow } from './plan-appointment-capacity.ts';
import { replacementNhsNumber } from './replacement-nhs-number.ts';
import { htmlPatientLogicalId, ORGANISATION_IDS, patientLogicalId, ROSTER_SUPPLEMENT } from './logical-ids.ts';
import {
  NHS_NUMBER_VERIFIED,
  renderLocation,
  renderOrganization,
  renderPatient,
  renderPractitioner,
  renderPractitionerRole,
} from './render-resources.ts';
import type { ResourceRow } from './planned-row.ts';
import { NATIONAL_ROSTER, type NationalRoster, type RosterGender, type RosterName, type RosterPatient, type RosterRegistration } from './roster.ts';
import { planAllergies } from './plan-allergies.ts';
import type { PlannedClinicalItemRow } from './record-item.ts';
import { planMedications } from './plan-medications.ts';
import { planObservations } from './plan-observations.ts';
import { planImmunisations } from './plan-immunisations.ts';
import { planReferralsAndRecalls } from './plan-referrals-and-recalls.ts';
import { planInvestigations } from './plan-investigations.ts';
import { planProblems } from './plan-problems.ts';
import { planConsultations } from './plan-consultations.ts';
import { planHtmlCohortRecords, recordInTransitRegistrationStart } from './plan-html-cohort.ts';
import { planDocuments, type PlannedDocument } from './plan-documents.ts';

/** Name of the fixture set: the `fixture` column of every row the roster load writes. */
export const NATIONAL_ROSTER_FIXTURE = 'national-roster';

export interface NationalRosterOptions {
  /** Practice (tenant) to load into; the roster's own practice B82617 by default. */
  practiceOds?: string;
  /** Name of the practice and its Organization when the practice row has to be created; the roster's by default. */
  practiceName?: string;
  /**
   * The practice's ASID when the practice row has to be created: defaults to the roster's provider
   * ASID for the roster's practice; required for any other practice that does not exist yet.
   */
  asid?: string;
  /** ISO date (YYYY-MM-DD) the roster's relative dates are computed from, in UTC. */
  today: string;
  /** The load time: meta.lastUpdated and last_updated of every row, and the fixture_load record. */
  now: Date;
  /**
   * Accepted so callers can hand over the same id source they give the provider; the roster itself
   * does not draw from it, because every roster resource has a stable logical id (see logical-ids.ts).
   */
  ids?: () => string;
}



export interface PlannedOrganisationRow extends ResourceRow {
  ods_code: string;
}
export interface PlannedLocationRow extends ResourceRow {
  ods_site_code: string;
  organisation_id: string;
}
export interface PlannedPractitionerRow extends ResourceRow {
  sds_user_id: string;
}
export interface PlannedPractitionerRoleRow extends ResourceRow {
  practitioner_id: string;
  organisation_id: string;
}
/** A patient row as the store holds it (PatientRow), with the roster's resource columns. */
export type PlannedPatientRow = ResourceRow & Omit<PatientRow, keyof ResourceColumns | 'provenance'>;

/** Everything one load of the roster writes, computed without touching the store. */
export interface NationalRosterPlan {
  fixture: string;
  practice: { odsCode: string; name: string; asid: string | undefined; capabilities: readonly string[]; organisationId: string };
  /** The `today` the plan was computed for. */
  loadedOn: string;
  loadedAt: Date;
  organisations: PlannedOrganisationRow[];
  locations: PlannedLocationRow[];
  practitioners: PlannedPractitionerRow[];
  practitionerRoles: PlannedPractitionerRoleRow[];
  patients: PlannedPatientRow[];
  /** Appointment capacity: schedules and their slots (see plan-appointment-capacity.ts). */
  schedules: PlannedScheduleRow[];
  slots: PlannedSlotRow[];
  /** Clinical record items (see plan-allergies.ts). */
  clinicalItems: PlannedClinicalItemRow[];
  /** Documents and their files (see plan-documents.ts). */
  documents: PlannedDocument[];
  /** National (not per practice) PDS records the fixture owns. */
  pdsPeople: Omit<PdsPerson, 'version'>[];
}

function allRosterNhsNumbers(roster: NationalRoster): Set<string> {
  return new Set([
    ...roster.patients.map((p) => p.nhsNumber),
    ...roster.accessRecordHtmlPatients.people.map((p) => p.nhsNumber),
    ...roster.pdsOnlyPatients.people.map((p) => p.nhsNumber),
    ...roster.reservedNumbers.neverOnPds,
  ]);
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`national roster: ${what} is missing`);
  return value;
}

const GENDERS: readonly string[] = ['male', 'female', 'other', 'unknown'];
function gender(value: string | undefined, what: string): RosterGender {
  if (!value || !GENDERS.includes(value)) throw new Error(`national roster: ${what} has gender ${JSON.stringify(value)}`);
  return value as RosterGender;
}

function checkNhsNumber(value: string, what: string): string {
  if (!isValidNhsNumber(value)) throw new Error(`national roster: ${what} has an invalid NHS number ${value}`);
  return value;
}

function demographicsOf(patient: RosterPatient, multipleBirth: boolean): PdsDemographics {
  const name = required(patient.name, `${patient.key}.name`);
  return {
    name: { family: name.family, given: [...name.given], ...(name.prefix?.length ? { prefix: [...name.prefix] } : {}) },
    gender: gender(patient.gender, patient.key),
    birthDate: required(patient.birthDate, `${patient.key}.birthDate`),
    ...(patient.address ? { address: { line: [...patient.address.line], ...(patient.address.city ? { city: patient.address.city } : {}), ...(patient.address.postalCode ? { postalCode: patient.address.postalCode } : {}) } } : {}),
    ...(patient.telecom?.length ? { telecom: patient.telecom.map((t) => ({ ...t })) } : {}),
    ...(multipleBirth ? { multipleBirth: true } : {}),
  };
}

/** Numbers the keys the roster maps explicitly and gives the rest the next free numeric ids, in roster order. */
function assignIds<T>(items: readonly T[], known: (item: T) => string | undefined): string[] {
  const used = new Set(items.map(known).filter((id): id is string => id !== undefined));
  let next = 1;
  return items.map((item) => {
    const id = known(item);
    if (id !== undefined) return id;
    while (used.has(String(next))) next += 1;
    used.add(String(next));
    return String(next);
  });
}

/**
 * Computes every row a load of the national roster into `practiceOds` writes, deterministically:
 * the same options give the same plan, and only `today` (relative dates) and `now` (timestamps)
 * move it. See logical-ids.ts for the id mapping.
 */
export function planNationalRoster(options: NationalRosterOptions, roster: NationalRoster = NATIONAL_ROSTER): NationalRosterPlan {
  const { today, now } = options;
  parseIsoDate(today);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('`now` must be a valid Date');
  const practiceOds = options.practiceOds ?? roster.practice.odsCode;
  const practiceName = options.practiceName ?? roster.practice.name;
  const asid = options.asid ?? (practiceOds === roster.practice.odsCode ? roster.practice.providerAsid : undefined);
  const row = { practice_ods: practiceOds, version: 1, last_updated: now, fixture: NATIONAL_ROSTER_FIXTURE };
  const json = (resource: Record<string, unknown>) => JSON.stringify(resource);

  // Organisations: ORG1 is the practice being loaded, whatever its ODS code.
  const heldOrganisations = roster.organisations.filter((o) => o.held);
  const organisationIds = assignIds(heldOrganisations, (o) => ORGANISATION_IDS[o.key]);
  const organisationIdByKey = new Map(heldOrganisations.map((o, i) => [o.key, organisationIds[i]!]));
  const practiceOrganisationId = required(organisationIdByKey.get('ORG1'), 'held organisation ORG1');
  const organisations: PlannedOrganisationRow[] = heldOrganisations.map((o, i) => {
    const isPractice = o.key === 'ORG1';
    const odsCode = isPractice ? practiceOds : o.odsCode;
    const name = isPractice ? practiceName : required(o.name, `${o.key}.name`);
    const id = organisationIds[i]!;
    return { ...row, id, ods_code: odsCode, resource: json(renderOrganization({ id, now, odsCode, name })) };
  });
  const org2 = roster.organisations.find((o) => o.key === 'ORG2');
  const second = ROSTER_SUPPLEMENT.secondOrganisationOfOrg2;
  if (org2?.held && org2.role.includes(second.name)) {
    organisations.push({ ...row, id: second.id, ods_code: org2.odsCode, resource: json(renderOrganization({ id: second.id, now, odsCode: org2.odsCode, name: second.name })) });
  }

  // Locations: only sites the roster describes as a Location (with a name).
  const heldLocations = roster.locations.filter((l) => l.name !== undefined);
  const locationIds = assignIds(heldLocations, (l) => l.suggestedLogicalId);
  const locationIdByKey = new Map(heldLocations.map((l, i) => [l.key, locationIds[i]!]));
  const locations: PlannedLocationRow[] = heldLocations.map((l, i) => {
    const id = locationIds[i]!;
    const managing = required(organisationIdByKey.get(required(l.managingOrganisation, `${l.key}.managingOrganisation`)), `held managing organisation of ${l.key}`);
    const resource = renderLocation({ id, now, odsSiteCode: l.odsSiteCode, name: l.name!, status: l.status, address: l.address, managingOrganisationId: managing });
    return { ...row, id, ods_site_code: l.odsSiteCode, organisation_id: managing, resource: json(resource) };
  });

  // Practitioners: one record per roster entry, two for practitioner5 (shared SDS user id).
  interface PractitionerRecord {
    key: string;
    sdsUserId: string;
    sdsRoleProfileIds: readonly string[];
    name: RosterName;
    gender: RosterGender | undefined;
    languages: readonly string[] | undefined;
    jobRole: { code: string; display: string } | undefined;
  }
  const records: PractitionerRecord[] = [];
  for (const p of roster.practitioners) {
    if (p.held === false) continue;
    if (p.key === 'practitioner5' && !p.name) {
      for (const supplement of ROSTER_SUPPLEMENT.practitioner5Records) {
        for (const roleProfile of supplement.sdsRoleProfileIds) {
          if (!p.note?.includes(roleProfile)) throw new Error(`national roster: practitioner5 no longer mentions role profile ${roleProfile}`);
        }
        records.push({ key: p.key, sdsUserId: p.sdsUserId, sdsRoleProfileIds: supplement.sdsRoleProfileIds, name: ROSTER_SUPPLEMENT.practitioner5Name, gender: undefined, languages: undefined, jobRole: undefined });
      }
      continue;
    }
    records.push({
      key: p.key,
      sdsUserId: p.sdsUserId,
      sdsRoleProfileIds: p.sdsRoleProfileIds ?? [],
      name: required(p.name, `${p.key}.name`),
      gender: p.gender,
      languages: p.languages,
      jobRole: p.role,
    });
  }
  const practitionerIdByKey = new Map<string, string>();
  const practitioners: PlannedPractitionerRow[] = [];
  const practitionerRoles: PlannedPractitionerRoleRow[] = [];
  records.forEach((r, index) => {
    const id = String(index + 1);
    if (!practitionerIdByKey.has(r.key)) practitionerIdByKey.set(r.key, id);
    const resource = renderPractitioner({ id, now, sdsUserId: r.sdsUserId, sdsRoleProfileIds: r.sdsRoleProfileIds, name: r.name, gender: r.gender, languages: r.languages });
    practitioners.push({ ...row, id, sds_user_id: r.sdsUserId, resource: json(resource) });
    if (r.jobRole) {
      const role = renderPractitionerRole({ id, now, practitionerId: id, organisationId: practiceOrganisationId, jobRole: r.jobRole });
      practitionerRoles.push({ ...row, id, practitioner_id: id, organisation_id: practiceOrganisationId, resource: json(role) });
    }
  });

  // Appointment capacity: schedules at the roster's locations with its practitioners, and their slots.
  const roleByPractitionerKey = new Map(records.filter((r) => r.jobRole).map((r) => [r.key, r.jobRole!]));
  const { schedules, slots } = planAppointmentCapacity({
    today,
    now,
    row,
    locationId: (key) => required(locationIdByKey.get(key), `held location ${key}`),
    practitionerId: (key) => required(practitionerIdByKey.get(key), `held practitioner ${key}`),
    practitionerRole: (key) => roleByPractitionerKey.get(key),
  });

  // Patients of both cohorts, and their PDS records.
  const taken = allRosterNhsNumbers(roster);
  const patients: PlannedPatientRow[] = [];
  const pdsPeople: Omit<PdsPerson, 'version'>[] = [];
  const heldNumbers = new Set<string>();
  /** The Access Record HTML cohort gives no registration; it is "registered at ORG1" like the 1.x cohort. */
  const defaultRegistration: RosterRegistration = { type: 'R', practice: 'ORG1', usualGp: 'practitioner1', preferredBranchSurgery: 'SIT1' };

  const addPatient = (patient: RosterPatient, id: string, registration: RosterRegistration) => {
    const nhsNumber = checkNhsNumber(patient.nhsNumber, patient.key);
    const c = patientCircumstances(patient, today);
    const name = required(patient.name, `${patient.key}.name`);
    const registeredOrganisationId = required(organisationIdByKey.get(registration.practice), `held registration practice of ${patient.key}`);
    if (registeredOrganisationId !== practiceOrganisationId) throw new Error(`national roster: ${patient.key} is registered at ${registration.practice}, not at the practice`);
    const usualGpId = required(practitionerIdByKey.get(registration.usualGp), `usual GP of ${patient.key}`);
    const preferredBranchId = required(locationIdByKey.get(registration.preferredBranchSurgery), `preferred branch surgery of ${patient.key}`);
    const start = registration.start ?? null;
    const end = registration.end ?? null;
    if (start) parseIsoDate(start);
    if (end) parseIsoDate(end);
    const resource = renderPatient({
      id,
      now,
      nhsNumber,
      name,
      gender: gender(patient.gender, patient.key),
      birthDate: required(patient.birthDate, `${patient.key}.birthDate`),
      address: patient.address,
      telecom: patient.telecom,
      active: c.registrationActive,
      registrationType: registration.type,
      registrationStart: start,
      registrationEnd: end,
      preferredBranchId,
      usualGpId,
      managingOrganisationId: practiceOrganisationId,
      deceasedAt: c.deceasedAt,
    });
    patients.push({
      ...row,
      id,
      resource: json(resource),
      nhs_number: nhsNumber,
      registration_status: c.registrationActive ? 'active' : 'inactive',
      registration_type: registration.type,
      registration_start: start,
      registration_end: end,
      nhs_number_verification: NHS_NUMBER_VERIFIED,
      sensitive: c.sensitive,
      deceased_at: c.deceasedAt,
      dissent: c.dissent,
      record_in_transit: c.recordInTransit,
      usual_gp_id: usualGpId,
      preferred_branch_id: preferredBranchId,
    });
    heldNumbers.add(nhsNumber);
    if (c.onPds) {
      pdsPeople.push({
        nhsNumber,
        demographics: demographicsOf(patient, c.multipleBirth),
        gpOds: practiceOds,
        sensitive: c.sensitive,
        deceasedAt: c.deceasedAt,
        supersededBy: c.nhsNumberSuperseded ? replacementNhsNumber(nhsNumber, taken) : null,
        invalidated: false,
      });
    }
  };

  for (const patient of roster.patients) {
    const id = patientLogicalId(patient.key);
    if (id === undefined || !patientCircumstances(patient, today).heldByProvider) continue;
    addPatient(patient, id, required(patient.registration, `${patient.key}.registration`));
  }
  for (const patient of roster.accessRecordHtmlPatients.people) {
    // Shared with the 1.x cohort (patient14), or held nowhere (patientNotInSystem).
    if (heldNumbers.has(patient.nhsNumber)) continue;
    if (roster.reservedNumbers.neverOnPds.includes(patient.nhsNumber) || !patientCircumstances(patient, today).heldByProvider) continue;
    // A record in transit has its transfer banner quote the registration at this practice, which the roster does not give.
    const inTransit = patientCircumstances(patient, today).recordInTransit;
    const registration = patient.registration ?? (inTransit ? { ...defaultRegistration, start: recordInTransitRegistrationStart(today) } : defaultRegistration);
    addPatient(patient, htmlPatientLogicalId(patient.key), registration);
  }

  // People on PDS only: registered at another practice, the pool for temporary registrations. The
  // roster names no practice; they are given the first consumer ODS code that is not this practice.
  const elsewhere = required(roster.consumers.consumerOdsCodes.find((code) => code !== practiceOds), 'a consumer ODS code other than the practice');
  for (const person of roster.pdsOnlyPatients.people) {
    pdsPeople.push({
      nhsNumber: checkNhsNumber(person.nhsNumber, `pdsOnlyPatients ${person.family}`),
      demographics: { name: { family: person.family, given: [person.given] }, gender: gender(person.gender, person.nhsNumber), birthDate: person.birthDate },
      gpOds: elsewhere,
      sensitive: false,
      deceasedAt: null,
      supersededBy: null,
      invalidated: false,
    });
  }

  for (const [what, rows] of Object.entries({ organisations, locations, practitioners, practitionerRoles, patients, schedules, slots })) {
    const ids = rows.map((r) => r.id);
    if (new Set(ids).size !== ids.length) throw new Error(`national roster: duplicate logical ids among ${what}: ${ids.join(', ')}`);
  }
  const seen = new Set<string>();
  for (const person of pdsPeople) {
    if (seen.has(person.nhsNumber)) throw new Error(`national roster: NHS number ${person.nhsNumber} is on PDS twice`);
    if (roster.reservedNumbers.neverOnPds.includes(person.nhsNumber)) throw new Error(`national roster: reserved number ${person.nhsNumber} must not be on PDS`);
    seen.add(person.nhsNumber);
  }

  return {
    fixture: NATIONAL_ROSTER_FIXTURE,
    practice: { odsCode: practiceOds, name: practiceName, asid, capabilities: ALL_CAPABILITIES, organisationId: practiceOrganisationId },
    loadedOn: today,
    loadedAt: now,
    organisations,
    locations,
    practitioners,
    practitionerRoles,
    patients,
    schedules,
    slots,
    clinicalItems: [...planAllergies(patients, today, row), ...planMedications(patients, today, row), ...planObservations(patients, today, row), ...planImmunisations(patients, today, row), ...planReferralsAndRecalls(patients, today, row), ...planInvestigations(patients, today, row), ...planProblems(patients, today, row), ...planConsultations(patients, today, row), ...planHtmlCohortRecords(patients, today, row)],
    documents: planDocuments(patients, today, row, {
      practice: { id: practiceOrganisationId, odsCode: practiceOds },
      hospital: { id: organisationIds[heldOrganisations.findIndex((o) => o.key === 'ORG2')]!, odsCode: required(org2, 'organisation ORG2').odsCode },
    }),
    pdsPeople,
  };
}
