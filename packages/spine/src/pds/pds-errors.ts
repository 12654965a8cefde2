/**
 * The PDS FHIR API's errors (spine-services.md §2.3-§2.4): an OperationOutcome whose coding comes
 * from Spine-ErrorOrWarningCode, with the HTTP status and FHIR issue type the real service uses.
 */

export const SPINE_ERROR_SYSTEM = 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode';

interface PdsErrorDefinition {
  status: number;
  issueType: string;
  display: string;
}

export const PDS_ERRORS = {
  INVALID_RESOURCE_ID: { status: 400, issueType: 'value', display: 'Resource Id is invalid' },
  UNSUPPORTED_SERVICE: { status: 400, issueType: 'not-supported', display: 'Unsupported Service' },
  MISSING_VALUE: { status: 400, issueType: 'required', display: 'Required value is missing' },
  INVALID_VALUE: { status: 400, issueType: 'value', display: 'Provided value is invalid' },
  INVALID_SEARCH_DATA: { status: 400, issueType: 'value', display: 'Search data is invalid' },
  ADDITIONAL_PROPERTIES: { status: 400, issueType: 'structure', display: 'Additional properties are not allowed' },
  RESOURCE_NOT_FOUND: { status: 404, issueType: 'not-found', display: 'Resource not found' },
  INVALIDATED_RESOURCE: { status: 404, issueType: 'not-found', display: 'Resource that has been marked as invalid was requested' },
  TOO_MANY_MATCHES: { status: 200, issueType: 'multiple-matches', display: 'Too Many Matches' },
} as const satisfies Record<string, PdsErrorDefinition>;

export type PdsErrorCode = keyof typeof PDS_ERRORS;

export class PdsError extends Error {
  constructor(
    readonly code: PdsErrorCode,
    readonly diagnostics: string,
  ) {
    super(`${code}: ${diagnostics}`);
  }
}

export function pdsFail(code: PdsErrorCode, diagnostics: string): never {
  throw new PdsError(code, diagnostics);
}

export function pdsOperationOutcome(code: PdsErrorCode, diagnostics: string) {
  const definition = PDS_ERRORS[code];
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: code === 'TOO_MANY_MATCHES' ? 'information' : 'error',
        code: definition.issueType,
        details: { coding: [{ system: SPINE_ERROR_SYSTEM, version: '1', code, display: definition.display }] },
        diagnostics,
      },
    ],
  };
}
