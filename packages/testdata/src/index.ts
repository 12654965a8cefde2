/**
 * @gpconnect/testdata: the national test roster as a named fixture set (`national-roster`) that
 * loads into any practice and resets to its exact starting state, and the seeded synthetic record
 * generator (fixture set `generated-records`).
 */
export { NATIONAL_ROSTER, NATIONAL_ROSTER_FILE } from './roster.ts';
export type {
  NationalRoster,
  RosterAddress,
  RosterGender,
  RosterLocation,
  RosterName,
  RosterOrganisation,
  RosterPatient,
  RosterPatientFlags,
  RosterPdsOnlyPerson,
  RosterPractitioner,
  RosterRegistration,
  RosterTelecom,
} from './roster.ts';
export { NATIONAL_ROSTER_FIXTURE, planNationalRoster } from './plan-national-roster.ts';
export { planAppointmentCapacity } from './plan-appointment-capacity.ts';
export type { PlannedScheduleRow, PlannedSlotRow } from './plan-appointment-capacity.ts';
export { patientCircumstances } from './patient-circumstances.ts';
export type { PatientCircumstances } from './patient-circumstances.ts';
export { replacementNhsNumber } from './replacement-nhs-number.ts';
export type {
  NationalRosterOptions,
  NationalRosterPlan,
  PlannedLocationRow,
  PlannedOrganisationRow,
  PlannedPatientRow,
  PlannedPractitionerRoleRow,
  PlannedPractitionerRow,
} from './plan-national-roster.ts';
export { loadNationalRoster, resetNationalRoster, isRosterLoaded } from './load-national-roster.ts';
export type { NationalRosterLoadSummary } from './load-national-roster.ts';
export { patientLogicalId, htmlPatientLogicalId } from './logical-ids.ts';
export { SDS_JOB_ROLE_NAME_SYSTEM } from './render-resources.ts';
export { topUpAppointmentCapacity } from './top-up-appointment-capacity.ts';
export type { TopUpSummary } from './top-up-appointment-capacity.ts';
export { generateRecords, MIN_ITEMS, MAX_ITEMS } from './generate/generate-records.ts';
export type { GenerateRecordsOptions, GenerateRecordsSummary } from './generate/generate-records.ts';
export { DEFAULT_LARGE_DOCUMENTS, GENERATED_FIXTURE } from './generate/plan-generated-patient.ts';
