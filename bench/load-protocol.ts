import type { InteractionName } from '@gpconnect/fhir';

/**
 * What the orchestrator (run.ts) asks of one load run and what the load process (load.ts) reports
 * back. The load generator runs in its own process so that it never competes with the servers for
 * their event loop; the two sides only exchange these plain objects.
 */
export interface LoadSpec {
  /** Origin of the server under load, e.g. http://127.0.0.1:41234. */
  origin: string;
  /** Path with query string. */
  path: string;
  /** The interaction whose headers (Ssp-*, JWT) every request carries. */
  interaction: InteractionName;
  /** The provider's ASID (Ssp-To). */
  toAsid: string;
  durationSeconds: number;
  connections: number;
  /**
   * Set for the booking scenario: every request POSTs a booking of the next bench slot (bench-slots.ts),
   * starting at `firstSlot`, for each of `patientIds` in turn.
   */
  booking?: { firstSlot: number; patientIds: string[] };
  /** Set for POSTs of prepared bodies (structured records): each request sends the next, in turn. */
  bodies?: string[];
  /** With `bodies` of a 0.7.x interaction: the NHS number each body asks for, which its token's requested_record names. */
  requestedNhsNumbers?: string[];
}

export interface LoadResult {
  /** Mean of autocannon's per-second request counts. */
  requestsPerSecond: number;
  /** Responses received, whatever their status. */
  responses: number;
  /** Responses by HTTP status code. */
  statusCodes: Record<string, number>;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Requests that got no response at all: socket errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Latency in milliseconds, from every response's own timing (sub-millisecond resolution). */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  durationSeconds: number;
}

/**
 * Whole-document downloads (Access Document's Binary): `connections` downloads at a time, each
 * connection starting its next as soon as one ends, until `durationSeconds` have passed or each has
 * made `downloadsPerConnection` (whichever is given). Every request carries fresh headers and JWT.
 */
export interface DownloadSpec {
  /** Absolute URL of the Binary. */
  url: string;
  interaction: InteractionName;
  toAsid: string;
  connections: number;
  durationSeconds?: number;
  downloadsPerConnection?: number;
  /** The body's length in bytes: a response of any other length (or status) is a failure. */
  expectedBodyBytes: number;
}

export interface DownloadResult {
  /** Downloads answered 200 with the whole body. */
  downloads: number;
  /** Downloads that failed: another status, a short body, or a socket error; the first few described. */
  failures: number;
  failureSamples: string[];
  /** From the first request sent to the last body ended. */
  seconds: number;
  /** Per download: to the first byte of the body, and to its end, in milliseconds. */
  firstByteMs: { p50: number; p99: number; max: number };
  wholeMs: { p50: number; p99: number; max: number };
}
