/**
 * The Spine Secure Proxy's own errors (spine-services.md §4.2): an OperationOutcome whose coding
 * carries the HTTP status as its code and the SSP's diagnostic string (naming ASIDs and URLs) as its
 * display and diagnostics, in the legacy value set the real proxy uses.
 */

export const SSP_ERROR_SYSTEM = 'http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0';

export class SspError extends Error {
  constructor(
    readonly status: number,
    readonly issueType: string,
    readonly diagnostics: string,
  ) {
    super(diagnostics);
  }
}

export const sspErrors = {
  methodNotAllowed: () => new SspError(405, 'not-supported', '405: Method Not Allowed'),
  unsupportedMediaType: () => new SspError(415, 'not-supported', 'Unsupported_Media_Type'),
  badRequest: (why: string) => new SspError(400, 'invalid', why),
  senderNotAuthorised: (fromAsid: string) => new SspError(403, 'forbidden', `ASID_CHECK_FAILED_MESSAGESENDER_${fromAsid}`),
  receiverNotAuthorised: (toAsid: string) => new SspError(403, 'forbidden', `PARTYKEY_INTERACTION_CHECK_FAILED_MESSAGERECEIVER_${toAsid}`),
  noSharingAgreement: (fromAsid: string, toAsid: string) => new SspError(403, 'forbidden', `FOT_CHECK_FAILED_MESSAGESENDER_${fromAsid}_MESSAGERECEIVER_${toAsid}`),
  endpointMismatch: (sdsEndpoint: string, cpaId: string, targetUrl: string) => new SspError(400, 'invalid', `ENDPOINT_${sdsEndpoint}_CPAID_${cpaId}_VARIES_FROM_TARGETURL_${targetUrl}`),
  unreachable: (targetUrl: string) => new SspError(502, 'transient', `ERROR_COMMUNICATING_TO_ENDPOINT_URL_${targetUrl}`),
  timedOut: (targetUrl: string) => new SspError(504, 'timeout', `TIMEOUT_COMMUNICATING_TO_ENDPOINT_URL_${targetUrl}`),
};

export function sspOperationOutcome(error: SspError) {
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1'] },
    issue: [
      {
        severity: 'error',
        code: error.issueType,
        details: { coding: [{ system: SSP_ERROR_SYSTEM, code: String(error.status), display: error.diagnostics }] },
        diagnostics: error.diagnostics,
      },
    ],
  };
}
