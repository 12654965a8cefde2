import { fail } from '@gpconnect/fhir';
import { findPdsPerson } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { invalidParameter, nhsNumberParameter, readParameters, requiredNhsNumber, type AreaParts, type StructuredArea } from './structured-parameters.ts';
import { findSharablePatient } from './sharable-patient.ts';
import { documentsBaseUrl } from './linked-documents.ts';
import { structuredBundle } from './structured-bundle.ts';

/**
 * $gpc.migratestructuredrecord (structured.md §9): the whole record, for the practice the patient has
 * moved to. Only that practice may ask — the requesting organisation must be the patient's registered
 * practice on PDS — and only with `conf/R` in its scope may it ask for the confidential items too,
 * which then come labelled NOPAT. Every area is returned whatever the practice has switched off; any
 * parameter the operation does not define is an error, not a warning.
 */

interface MigrateRequest {
  nhsNumber: string;
  includeSensitiveInformation: boolean;
}

function readMigrateParameters(body: unknown): MigrateRequest {
  let nhsNumber: string | undefined;
  let includeSensitiveInformation: boolean | undefined;
  for (const parameter of readParameters(body)) {
    const name = String(parameter.name);
    if (name === 'patientNHSNumber') {
      nhsNumber = nhsNumberParameter(parameter, nhsNumber);
    } else if (name === 'includeFullRecord') {
      if (includeSensitiveInformation !== undefined) invalidParameter(name, 'may be sent once');
      const parts = parameter.part ?? [];
      const unknown = parts.find((part) => part.name !== 'includeSensitiveInformation');
      if (unknown) invalidParameter(`${name}.${String(unknown.name)}`, 'is not a parameter of $gpc.migratestructuredrecord');
      if (parts.length !== 1 || typeof parts[0]!['valueBoolean'] !== 'boolean') invalidParameter('includeSensitiveInformation', 'is required once, as a valueBoolean');
      includeSensitiveInformation = parts[0]!['valueBoolean'] as boolean;
    } else {
      invalidParameter(name, 'is not a parameter of $gpc.migratestructuredrecord');
    }
  }
  const valid = requiredNhsNumber(nhsNumber);
  if (includeSensitiveInformation === undefined) invalidParameter('includeFullRecord', 'is required');
  return { nhsNumber: valid, includeSensitiveInformation };
}

/** Every area, everything in it: resolved allergies, prescription issues and doses not given included. */
const FULL_RECORD: Record<StructuredArea, AreaParts> = {
  allergies: { includeResolvedAllergies: true },
  medications: { includePrescriptionIssues: true },
  consultations: {},
  problems: {},
  immunisations: { includeNotGiven: true },
  uncategorised: {},
  investigations: {},
  referrals: {},
  diaryEntries: {},
};

export const migrateStructuredRecord: Handler = async ({ practice, body, context, serviceBaseUrl }, { db, clock, assemblies }) => {
  const now = clock();
  const request = readMigrateParameters(body);
  if (request.includeSensitiveInformation && !context.requester?.sensitiveScope) {
    fail('CONFLICTING_VALUES', 'includeSensitiveInformation is true but the JWT requested_scope does not carry conf/R');
  }
  const patient = await findSharablePatient(db, practice, request.nhsNumber, context, now);
  const pds = await findPdsPerson(db, request.nhsNumber);
  const requesting = context.requester?.organisationOds;
  if (!pds || !requesting || pds.gpOds !== requesting) {
    fail('NO_RELATIONSHIP', `The requesting organisation ${requesting ?? '(none)'} is not the patient's registered practice on PDS`);
  }
  const json = await assemblies.run(() => structuredBundle(db, practice, patient, {
        areas: FULL_RECORD,
        unrecognised: [],
        switchedOff: new Set(),
        documents: { baseUrl: documentsBaseUrl(serviceBaseUrl), all: true },
        discloseConfidential: request.includeSensitiveInformation,
      }, context.traceId, now));
  return { status: 200, json };
};
