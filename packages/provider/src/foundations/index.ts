import type { HandlerTable } from '../http/handler.ts';
import { readLocation, readOrganization, readPractitioner, searchOrganizations, searchPractitioners } from './directory.ts';
import { readPatient, searchPatients } from './patients.ts';
import { registerPatient } from './register-patient.ts';

/** The Foundations capability (foundations.md). */
export const foundationsHandlers: HandlerTable = {
  readPatient,
  searchPatients,
  registerPatient,
  readPractitioner,
  searchPractitioners,
  readOrganization,
  searchOrganizations,
  readLocation,
};
