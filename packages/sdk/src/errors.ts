import { ERROR_CODE_SYSTEMS } from '@gpconnect/fhir';

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

/** The proxy's legacy coding system: its code is the HTTP status, its display the real reason. */
const SSP_SYSTEM = 'http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0';
/** Where a provider's Spine error code lives: 1.x (STU3) and Access Record HTML 0.7.x (DSTU2). */
const SPINE_SYSTEMS: readonly string[] = Object.values(ERROR_CODE_SYSTEMS);

type Coding = { system?: string; code?: string; display?: string };

/** Reads an error response into a GpConnectRequestError. */
export function requestError(status: number, body: unknown, service: GpConnectRequestError['service']): GpConnectRequestError {
  const outcome = typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'OperationOutcome' ? (body as Record<string, unknown>) : undefined;
  const issue = (outcome?.['issue'] as { diagnostics?: string; details?: { coding?: Coding[] } }[] | undefined)?.[0];
  const codings = issue?.details?.coding ?? [];
  const proxy = codings.find((c) => c.system === SSP_SYSTEM);
  // The Spine code from either release's system; any other service's first code otherwise (PDS, SDS).
  const spineCode = proxy ? proxy.display : (codings.find((c) => c.system !== undefined && SPINE_SYSTEMS.includes(c.system)) ?? codings[0])?.code;
  return new GpConnectRequestError(status, spineCode, issue?.diagnostics, outcome, service);
}
