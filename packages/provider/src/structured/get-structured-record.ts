import { ukLocalDate } from '@gpconnect/fhir';
import type { Handler } from '../http/handler.ts';
import { readStructuredParameters, type RecordArea } from './structured-parameters.ts';
import { documentsBaseUrl } from './linked-documents.ts';
import { findSharablePatient } from './sharable-patient.ts';
import { structuredBundle } from './structured-bundle.ts';

/**
 * $gpc.getstructuredrecord (structured.md): the request checked in full (§2), the patient rules
 * (§2.2), and the Bundle of the requested areas (structured-bundle.ts), with the practice's
 * switched-off areas reported (§7) and confidential items withheld.
 */
export const getStructuredRecord: Handler = async ({ practice, body, context, serviceBaseUrl }, { db, clock, assemblies }) => {
  const now = clock();
  const request = readStructuredParameters(body, ukLocalDate(now));
  const patient = await findSharablePatient(db, practice, request.nhsNumber, context, now);
  const switchedOff = new Set(practice.structured_areas_disabled as RecordArea[]);
  const documents = { baseUrl: documentsBaseUrl(serviceBaseUrl), all: false };
  const json = await assemblies.run(() => structuredBundle(db, practice, patient, { areas: request.areas, unrecognised: request.unrecognised, switchedOff, documents, discloseConfidential: false }, context.traceId, now));
  return { status: 200, json };
};
