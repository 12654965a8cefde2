/**
 * The catalogue of every error the GP Connect APIs can return, keyed by the name domain code throws.
 *
 * Each entry fixes the Spine code written into `OperationOutcome.issue.details.coding.code`, its
 * display (exactly as CodeSystem Spine-ErrorOrWarningCode-1 spells it), the FHIR issue type and the
 * HTTP status. Sources: general.md §7 (GP Connect error handling guidance, 1.6.2 wording) and the
 * national provider test suite where it decides a status the guidance leaves open.
 *
 * Names are permanent: tests, logs and the audit trail refer to them.
 */
export interface SpineErrorDefinition {
  /** Code in https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1. */
  readonly code: string;
  /** Display of that code in the CodeSystem (the suite compares some exactly). */
  readonly display: string;
  /** FHIR issue-type (http://hl7.org/fhir/ValueSet/issue-type). */
  readonly issueType: string;
  readonly httpStatus: number;
}

function entry(code: string, display: string, issueType: string, httpStatus: number): SpineErrorDefinition {
  return { code, display, issueType, httpStatus };
}

export const SPINE_ERRORS = {
  BAD_REQUEST: entry('BAD_REQUEST', 'Bad request', 'invalid', 400),
  CONFLICTING_VALUES: entry(
    'CONFLICTING_VALUES',
    'Conflicting values have been specified in different fields',
    'invalid',
    400,
  ),
  INVALID_IDENTIFIER_SYSTEM: entry('INVALID_IDENTIFIER_SYSTEM', 'Invalid identifier system', 'value', 400),
  INVALID_IDENTIFIER_VALUE: entry('INVALID_IDENTIFIER_VALUE', 'Invalid identifier value', 'value', 400),
  INVALID_NHS_NUMBER: entry('INVALID_NHS_NUMBER', 'Invalid NHS number', 'value', 400),
  INVALID_PATIENT_DEMOGRAPHICS: entry(
    'INVALID_PATIENT_DEMOGRAPHICS',
    'Invalid patient demographics',
    'business-rule',
    400,
  ),
  NO_PATIENT_CONSENT: entry(
    'NO_PATIENT_CONSENT',
    'Patient has not provided consent to share data',
    'forbidden',
    403,
  ),
  // The guidance names it NO_ORGANISATION_CONSENT; the CodeSystem (which the profile binds) spells it so.
  NO_ORGANISATIONAL_CONSENT: entry(
    'NO_ORGANISATIONAL_CONSENT',
    'Organisation has not provided consent to share data',
    'forbidden',
    403,
  ),
  // The CodeSystem code really contains a space.
  ACCESS_DENIED: entry('ACCESS DENIED', 'Access has been denied to process this request', 'forbidden', 403),
  NO_RELATIONSHIP: entry(
    'NO_RELATIONSHIP',
    'No legitimate relationship exists with this patient',
    'forbidden',
    403,
  ),
  PATIENT_NOT_FOUND: entry('PATIENT_NOT_FOUND', 'Patient not found', 'not-found', 404),
  ORGANISATION_NOT_FOUND: entry('ORGANISATION_NOT_FOUND', 'Organisation not found', 'not-found', 404),
  PRACTITIONER_NOT_FOUND: entry('PRACTITIONER_NOT_FOUND', 'Practitioner not found', 'not-found', 404),
  NO_RECORD_FOUND: entry('NO_RECORD_FOUND', 'No record found', 'not-found', 404),
  /**
   * A method the route does not offer. GP Connect lists "wrong verb" under BAD_REQUEST and 405 in
   * its status table; we answer 405 (with an Allow header) and carry the BAD_REQUEST code.
   */
  METHOD_NOT_ALLOWED: entry('BAD_REQUEST', 'Bad request', 'not-supported', 405),
  DUPLICATE_REJECTED: entry(
    'DUPLICATE_REJECTED',
    'Create would lead to creation of a duplicate resource',
    'duplicate',
    409,
  ),
  /** If-Match version mismatch (suite: AppointmentCancel / AppointmentAmend). */
  FHIR_CONSTRAINT_VIOLATION: entry('FHIR_CONSTRAINT_VIOLATION', 'FHIR constraint violated', 'conflict', 409),
  UNSUPPORTED_MEDIA_TYPE: entry('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'not-supported', 415),
  INVALID_RESOURCE: entry('INVALID_RESOURCE', 'Invalid validation of resource', 'invalid', 422),
  INVALID_PARAMETER: entry('INVALID_PARAMETER', 'Invalid parameter', 'invalid', 422),
  REFERENCE_NOT_FOUND: entry('REFERENCE_NOT_FOUND', 'Reference not found', 'invalid', 422),
  INTERNAL_SERVER_ERROR: entry('INTERNAL_SERVER_ERROR', 'Unexpected internal server error', 'processing', 500),
  // Spine's vocabulary has no throttling code: a refused burst is its generic server-side error with
  // HTTP 429 and the FHIR issue type for it, so consumers retry rather than give up.
  TOO_MANY_REQUESTS: entry('INTERNAL_SERVER_ERROR', 'Unexpected internal server error', 'throttled', 429),
  NOT_IMPLEMENTED: entry('NOT_IMPLEMENTED', 'Not implemented', 'not-supported', 501),
} as const satisfies Record<string, SpineErrorDefinition>;

export type SpineErrorName = keyof typeof SPINE_ERRORS;

/**
 * An error a GP Connect handler or pipeline stage raises on purpose. The error handler renders it as
 * the catalogued OperationOutcome; anything else that escapes becomes INTERNAL_SERVER_ERROR.
 */
export class GpConnectError extends Error {
  readonly definition: SpineErrorDefinition;

  constructor(
    readonly errorName: SpineErrorName,
    /** Free text for `issue.diagnostics`; must never contain patient data beyond what the request held. */
    readonly diagnostics: string,
  ) {
    super(`${errorName}: ${diagnostics}`);
    this.name = 'GpConnectError';
    this.definition = SPINE_ERRORS[errorName];
  }

  get httpStatus(): number {
    return this.definition.httpStatus;
  }
}

/** Shorthand for `throw new GpConnectError(...)` in expression position. */
export function fail(errorName: SpineErrorName, diagnostics: string): never {
  throw new GpConnectError(errorName, diagnostics);
}
