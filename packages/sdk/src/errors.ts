/**
 * A request the provider, the proxy or a Spine service refused: the HTTP status, the Spine error
 * code (`PATIENT_NOT_FOUND`, `DUPLICATE_REJECTED`, the proxy's `ASID_CHECK_FAILED_…`…), the
 * diagnostics and the whole OperationOutcome.
 */
export class GpConnectRequestError extends Error {
  constructor(
    readonly status: number,
    /** The Spine error code from the OperationOutcome's coding; for the proxy, its diagnostic string. */
    readonly spineCode: string | undefined,
    readonly diagnostics: string | undefined,
    readonly operationOutcome: Record<string, unknown> | undefined,
    /** Which service answered: the provider (through the proxy), PDS or SDS. */
    readonly service: 'provider' | 'pds' | 'sds',
  ) {
    super(`${service} answered ${status}${spineCode ? ` ${spineCode}` : ''}${diagnostics ? `: ${diagnostics}` : ''}`);
    this.name = 'GpConnectRequestError';
  }
}

/** A patient PDS cannot give the consumer a practice for (not found, restricted, or registered nowhere). */
export class PracticeNotFoundError extends Error {
  constructor(readonly nhsNumber: string, why: string) {
    super(`No GP practice can be found for NHS number ${nhsNumber}: ${why}`);
    this.name = 'PracticeNotFoundError';
  }
}

/** SDS publishes no endpoint (or no ASID) for the practice and interaction: the practice is not live for it. */
export class EndpointNotFoundError extends Error {
  constructor(readonly odsCode: string, readonly interactionId: string) {
    super(`SDS publishes no endpoint of ${odsCode} for ${interactionId}`);
    this.name = 'EndpointNotFoundError';
  }
}

const SSP_SYSTEM = 'http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0';

/** Reads an error response into a GpConnectRequestError. */
export function requestError(status: number, body: unknown, service: GpConnectRequestError['service']): GpConnectRequestError {
  const outcome = typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'OperationOutcome' ? (body as Record<string, unknown>) : undefined;
  const issue = (outcome?.['issue'] as { diagnostics?: string; details?: { coding?: { system?: string; code?: string; display?: string }[] } }[] | undefined)?.[0];
  const coding = issue?.details?.coding?.[0];
  // The proxy's coding carries the HTTP status as code; its real reason is the display.
  const spineCode = coding?.system === SSP_SYSTEM ? coding.display : coding?.code;
  return new GpConnectRequestError(status, spineCode, issue?.diagnostics, outcome, service);
}
