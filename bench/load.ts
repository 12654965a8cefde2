import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { bookingRequest, gpconnectHeaders } from '@gpconnect/provider/testing';
import type { LoadResult, LoadSpec } from './load-protocol.ts';
import { BENCH_SCHEDULE, benchSlot } from './bench-slots.ts';
import { percentile } from './percentile.ts';

/**
 * One load run, in a process of its own (forked by run.ts with the LoadSpec as its argument): it
 * drives the server with autocannon and sends the LoadResult back over IPC. Keeping the load
 * generator out of the servers' process keeps its work off their event loop.
 */

interface NextRequest {
  body: string | undefined;
  /** The patient a 0.7.x token names. */
  nhsNumber?: string | undefined;
}

/** The next request: a booking of the next unbooked bench slot, the next prepared body (and its patient), or none for a GET. */
function requests(spec: LoadSpec): () => NextRequest {
  const prepared = spec.bodies;
  if (prepared) {
    let turn = 0;
    return () => {
      const n = turn++ % prepared.length;
      return { body: prepared[n], nhsNumber: spec.requestedNhsNumbers?.[n] };
    };
  }
  const booking = spec.booking;
  if (!booking) return () => ({ body: undefined });
  let next = booking.firstSlot;
  return () => {
    const n = next++;
    const patientId = booking.patientIds[n % booking.patientIds.length]!;
    return { body: JSON.stringify(bookingRequest({ patientId, slots: [benchSlot(n)], locationId: BENCH_SCHEDULE.locationId, practitionerId: BENCH_SCHEDULE.practitionerId })) };
  };
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const nextRequest = requests(spec);
  const instance = autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: spec.booking || spec.bodies ? 'POST' : 'GET',
        path: spec.path,
        // A conforming consumer mints a new JWT for every request (iat now, exp iat + 300) and a new
        // Ssp-TraceID; the provider's clock is real time, so so is ours. The ceiling gets the same
        // headers, so both servers parse identical requests and the client pays the same cost.
        setupRequest: (request) => {
          const { body, nhsNumber } = nextRequest();
          const headers = gpconnectHeaders(spec.interaction, { toAsid: spec.toAsid, now: Math.floor(Date.now() / 1000), traceId: randomUUID(), ...(nhsNumber ? { requestedRecord: { nhsNumber } } : {}) });
          return { ...request, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/fhir+json' }, ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  });
  // autocannon's latency histogram keeps whole milliseconds; the ceiling answers well under one, so
  // keep every response's own timing for sub-millisecond percentiles.
  const latencies: number[] = [];
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;

  const sorted = Float64Array.from(latencies).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requestsPerSecond: result.requests.average,
    responses: sorted.length,
    statusCodes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
    },
    durationSeconds: result.duration,
  };
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const result = await runLoad(spec);
// Disconnecting once the message is out lets the process end on its own.
process.send!(result, () => process.disconnect());
