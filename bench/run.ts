import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { IDENTIFIER_SYSTEMS, type InteractionName } from '@gpconnect/fhir';
import { buildProvider, SERVICE_ROOTS } from '@gpconnect/provider';
import { bookingRequest, careRecordParameters, gpconnectHeaders } from '@gpconnect/provider/testing';
import { findPractice, sql, type Database, type Kysely } from '@gpconnect/store';
import { NATIONAL_ROSTER, patientLogicalId } from '@gpconnect/testdata';
import { openBenchStore } from './bench-store.ts';
import { startCeiling } from './ceiling.ts';
import { runLoad, stopLoad } from './load-process.ts';
import type { LoadResult, LoadSpec } from './load-protocol.ts';
import { machineInfo, warnIfBusy } from './machine.ts';
import { BOOKING_GOAL, COMPARISON, failuresOf, formatScenario, GOAL, scenarioResult, SLOT_SEARCH_GOAL, SSP_GOAL, STRUCTURED_1000_GOAL, STRUCTURED_300_GOAL, type Goal, type ScenarioResult } from './report.ts';
import { benchSlot, BENCH_SCHEDULE, insertBenchSlots } from './bench-slots.ts';
import { addFillerPatients, fullRecordBodies, LARGE_RECORD_PRACTICE, prepareStructuredRecords, type GeneratedSet } from './structured-records.ts';

/**
 * `npm run bench`: the provider on PostgreSQL with the national roster: Patient read, Patient
 * search, free-slot search and booking through the full pipeline (fresh JWT per request, real Spine
 * headers, audit on), each against a ceiling doing the same storage work through the same pool with
 * nothing else on the path (ceiling.ts). Per scenario: a short warm-up of both, then ceiling and provider one after the other under
 * the same load (autocannon, in a child process), so that both see the same machine conditions. Prints req/s, p50 and p99 of both and their ratio against
 * the goal, and writes bench/results/latest.json.
 *
 * Environment: BENCH_DATABASE_URL (a PostgreSQL server; the bench creates and drops a scratch
 * database on it), BENCH_DURATION_S (seconds per measured run, default 10), BENCH_CONNECTIONS
 * (default 10), BENCH_ONLY (run only the scenarios whose name contains it). Exits non-zero when any response was not 2xx: a bench of errors measures nothing.
 */

function envNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(raw)}`);
  return value;
}

const SERVER_URL = process.env['BENCH_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION_S = envNumber('BENCH_DURATION_S', 10, false);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 10, true);
const WARMUP_S = 2;
/** The provider's default pool size; the ceiling shares the same pool. */
const POOL_SIZE = 10;
/** A normal patient: active, verified NHS number, not sensitive or deceased. */
const PATIENT_ID = '2';
const RESULTS_FILE = new URL('./results/latest.json', import.meta.url);
/** Generated records sampled by the structured-record scenarios, by size. */
const STRUCTURED_PATIENTS = { items300: envNumber('BENCH_STRUCTURED_PATIENTS', 200, true), items1000: Math.max(1, Math.round(envNumber('BENCH_STRUCTURED_PATIENTS', 200, true) / 4)) };
/** Patients the scale run grows the store to (0: no scale run). */
const SCALE_PATIENTS = process.env['BENCH_SCALE_PATIENTS'] === '0' ? 0 : envNumber('BENCH_SCALE_PATIENTS', 100_000, true);
/** Connections of the burst the provider must shed rather than collapse under. */
const BURST_CONNECTIONS = 100;

// Everything started is undone in reverse order, once, whether the run ends, fails or is interrupted.
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  return (cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('bench: clean-up step failed:', error);
      }
    }
  })());
}

let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\nbench: ${signal}, cleaning up (the scratch database is dropped)`);
    stopLoad(signal);
    void cleanUp().finally(() => process.exit(code));
  });
}

class BenchFailure extends Error {}

async function auditRowCount(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(db);
  return rows[0]!.n;
}

interface Target {
  origin: string;
  path: string;
  /**
   * A side that makes a different call from the scenario's (the HTML summary is measured against the
   * structured record): its own interaction, bodies and the patients its tokens name.
   */
  request?: { interaction: InteractionName; bodies: string[]; requestedNhsNumbers?: string[] };
}

interface Scenario {
  name: string;
  interaction: InteractionName;
  provider: Target;
  ceiling: Target;
  goal: Goal;
  /** Before measuring: a failure message if provider and ceiling do not do the same work. */
  confirm(toAsid: string): Promise<void>;
  /** For the booking scenario: the bench slots each run books from (warm-ups and runs never share one). */
  bookingSlots?: { ceilingWarmup: number; providerWarmup: number; ceiling: number; provider: number };
  /** Bodies POSTed in turn (structured records), and the ASID of the practice they go to when not the roster's. */
  bodies?: string[];
  toAsid?: string;
}

/** One request with the headers the load sends (a POST when `body` is given); the body decoded. */
async function send(target: Target, interaction: InteractionName, toAsid: string, body?: string, requestedNhsNumber?: string): Promise<{ status: number; body: string }> {
  const headers = gpconnectHeaders(interaction, { toAsid, now: Math.floor(Date.now() / 1000), ...(requestedNhsNumber ? { requestedRecord: { nhsNumber: requestedNhsNumber } } : {}) });
  const response = await fetch(target.origin + target.path, body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/fhir+json' }, body });
  return { status: response.status, body: await response.text() };
}
const get = (target: Target, scenario: Pick<Scenario, 'interaction'>, toAsid: string) => send(target, scenario.interaction, toAsid);

/**
 * Before measuring, both sides must answer 200 with the same patient: the provider with the roster's
 * patient (logical id and NHS number), the ceiling with the very same resource JSON.
 */
async function confirmSameRow(scenario: Pick<Scenario, 'name' | 'interaction' | 'provider' | 'ceiling'>, toAsid: string, nhsNumber: string): Promise<void> {
  const provider = await get(scenario.provider, scenario, toAsid);
  const ceiling = await get(scenario.ceiling, scenario, toAsid);
  const problem = (message: string) => new BenchFailure(`${scenario.name}: ${message}\n  provider ${provider.status}: ${provider.body.slice(0, 500)}\n  ceiling ${ceiling.status}: ${ceiling.body.slice(0, 500)}`);
  if (provider.status !== 200 || ceiling.status !== 200) throw problem('the check request was not answered 200');
  const patientOf = (body: string): Record<string, unknown> | undefined => {
    const resource = JSON.parse(body) as { resourceType?: string; entry?: { resource: Record<string, unknown> }[] };
    if (resource.resourceType === 'Bundle') return resource.entry?.length === 1 ? resource.entry[0]!.resource : undefined;
    return resource as Record<string, unknown>;
  };
  const fromProvider = patientOf(provider.body);
  const fromCeiling = patientOf(ceiling.body);
  const identifiers = (fromProvider?.['identifier'] as { system?: string; value?: string }[] | undefined) ?? [];
  if (fromProvider?.['resourceType'] !== 'Patient' || fromProvider['id'] !== PATIENT_ID) throw problem(`expected exactly Patient/${PATIENT_ID}`);
  if (!identifiers.some((i) => i.system === IDENTIFIER_SYSTEMS.nhsNumber && i.value === nhsNumber)) throw problem(`Patient/${PATIENT_ID} does not carry NHS number ${nhsNumber}`);
  if (JSON.stringify(fromCeiling) !== JSON.stringify(fromProvider)) throw problem('the ceiling does not return the same patient resource as the provider');
}

/**
 * Before measuring a structured record: both sides answer 200 for the first sampled patient, the
 * provider with a Bundle holding the patient's record in Lists, the ceiling with at least as many stored
 * rows as the record has items.
 */
async function confirmStructured(scenario: Pick<Scenario, 'name' | 'interaction' | 'provider' | 'ceiling' | 'bodies'>, toAsid: string, minimumItems: number): Promise<void> {
  const body = scenario.bodies![0]!;
  const provider = await send(scenario.provider, scenario.interaction, toAsid, body);
  const ceiling = await send(scenario.ceiling, scenario.interaction, toAsid, body);
  const problem = (message: string) => new BenchFailure(`${scenario.name}: ${message}\n  provider ${provider.status}: ${provider.body.slice(0, 500)}\n  ceiling ${ceiling.status}: ${ceiling.body.slice(0, 500)}`);
  if (provider.status !== 200 || ceiling.status !== 200) throw problem('the check request was not answered 200');
  const entries = (json: string) => (JSON.parse(json) as { entry?: { resource: { resourceType: string } }[] }).entry ?? [];
  const lists = entries(provider.body).filter((e) => e.resource.resourceType === 'List').length;
  if (lists < 9) throw problem(`expected the Lists of every area, found ${lists}`);
  if (entries(ceiling.body).length < minimumItems) throw problem(`expected at least ${minimumItems} entries from the ceiling`);
}

/**
 * Before measuring the HTML summary against the structured record: each side answers 200 for the
 * first sampled patient, the HTML with its summary's tables, the structured record with its Lists.
 */
async function confirmHtmlAgainstStructured(scenario: Pick<Scenario, 'name' | 'interaction' | 'provider' | 'ceiling'>, toAsid: string): Promise<void> {
  const html = scenario.provider.request!;
  const structured = scenario.ceiling.request!;
  const provider = await send(scenario.provider, html.interaction, toAsid, html.bodies[0], html.requestedNhsNumbers?.[0]);
  const ceiling = await send(scenario.ceiling, structured.interaction, toAsid, structured.bodies[0]);
  const problem = (message: string) => new BenchFailure(`${scenario.name}: ${message}\n  html ${provider.status}: ${provider.body.slice(0, 500)}\n  structured ${ceiling.status}: ${ceiling.body.slice(0, 500)}`);
  if (provider.status !== 200 || ceiling.status !== 200) throw problem('the check request was not answered 200');
  const tables = (provider.body.match(/<table /g) ?? []).length;
  if (tables < 2) throw problem(`expected the summary's tables, found ${tables}`);
}

/** Bookings rotate over the roster's ordinary patients, as a practice's bookings come from many. */
const BOOKING_PATIENT_IDS = ['1', '2', '3', '4', '5', '6', '7', '8', '12', '16', '17'];

/** Forks bench/ssp-process.ts and resolves with the proxy's origin; it stops when the bench ends. */
function startSspProcess(databaseUrl: string, providerOrigin: string): Promise<string> {
  const child = fork(fileURLToPath(new URL('./ssp-process.ts', import.meta.url)), [databaseUrl, providerOrigin], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  cleanups.push(async () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) await once(child, 'exit');
  });
  return new Promise((resolve, reject) => {
    child.once('message', (origin) => resolve(origin as string));
    child.once('exit', (code) => reject(new Error(`the proxy process ended (exit code ${code}) before it listened`)));
  });
}

/** Slots inserted for booking: more than the four booking runs can take (see bookingSlots). */
const BENCH_SLOT_COUNT = 200_000;

/** Search: provider and ceiling must return the same Slots, and the provider at least one. */
async function confirmSameSlots(scenario: Pick<Scenario, 'name' | 'interaction' | 'provider' | 'ceiling'>, toAsid: string): Promise<void> {
  const ids = (body: string) => ((JSON.parse(body) as { entry?: { resource: { resourceType: string; id: string } }[] }).entry ?? []).filter((e) => e.resource.resourceType === 'Slot').map((e) => e.resource.id);
  const provider = await get(scenario.provider, scenario, toAsid);
  const ceiling = await get(scenario.ceiling, scenario, toAsid);
  if (provider.status !== 200 || ceiling.status !== 200) throw new BenchFailure(`${scenario.name}: check request not answered 200 (${provider.status} / ${ceiling.status}): ${provider.body.slice(0, 300)}`);
  const [fromProvider, fromCeiling] = [ids(provider.body), ids(ceiling.body)];
  if (fromProvider.length === 0 || JSON.stringify(fromProvider) !== JSON.stringify(fromCeiling)) {
    throw new BenchFailure(`${scenario.name}: provider returned ${fromProvider.length} slots, ceiling ${fromCeiling.length}; they must be the same`);
  }
  console.log(`${scenario.name}: ${fromProvider.length} slots per response`);
}

/** Booking: the provider books bench slot 0 (201) and refuses it a second time (409). */
async function confirmBooking(scenario: Pick<Scenario, 'name' | 'interaction' | 'provider'>, toAsid: string): Promise<void> {
  const body = JSON.stringify(bookingRequest({ patientId: PATIENT_ID, slots: [benchSlot(0)], locationId: BENCH_SCHEDULE.locationId, practitionerId: BENCH_SCHEDULE.practitionerId }));
  const first = await send(scenario.provider, scenario.interaction, toAsid, body);
  const again = await send(scenario.provider, scenario.interaction, toAsid, body);
  if (first.status !== 201 || again.status !== 409) throw new BenchFailure(`${scenario.name}: expected 201 then 409, got ${first.status} (${first.body.slice(0, 300)}) then ${again.status}`);
}

/** Fails the bench loudly on a run that is not all 2xx. */
function assertClean(result: LoadResult, label: string): void {
  const failures = failuresOf(result);
  if (failures.length === 0) return;
  const banner = '!'.repeat(78);
  throw new BenchFailure(`\n${banner}\n${label}: ${failures.join('; ')}\nThe numbers would measure the error path; nothing is reported.\n${banner}`);
}

/**
 * A burst of BURST_CONNECTIONS against the 300-item record: what is served (2xx) per second must stay
 * at 90% of the 10-connection figure, the excess refused with 429 (structured/assembly-limit.ts).
 */
async function overloadRun(scenario: Scenario, tenConnectionRps: number, specFor: (target: Target, connections: number) => LoadSpec) {
  console.log(`${scenario.name}: burst of ${BURST_CONNECTIONS} connections, ${DURATION_S} s...`);
  const result = await runLoad(specFor(scenario.provider, BURST_CONNECTIONS));
  const served = result.statusCodes['200'] ?? 0;
  const other = Object.entries(result.statusCodes).filter(([code]) => code !== '200' && code !== '429');
  if (other.length > 0 || result.errors > 0) throw new BenchFailure(`burst: only 200 and 429 expected, got ${JSON.stringify(result.statusCodes)} and ${result.errors} errors`);
  const servedPerSecond = (result.requestsPerSecond * served) / Math.max(1, result.responses);
  const ratio = servedPerSecond / tenConnectionRps;
  const summary = { connections: BURST_CONNECTIONS, servedPerSecond, refused: result.statusCodes['429'] ?? 0, servedP99Ms: result.latencyMs.p99, ratioToTenConnections: ratio, met: ratio >= 0.9 };
  console.log(`\n${scenario.name} at ${BURST_CONNECTIONS} connections: ${servedPerSecond.toFixed(1)} served/s (${(ratio * 100).toFixed(0)}% of 10 connections; goal 90%), ${summary.refused} refused with 429, p99 ${result.latencyMs.p99.toFixed(0)} ms\n`);
  return summary;
}

/**
 * The scale run: cost per 300-item record (mean latency at 10 connections) with ~1,000 patients in
 * the store, then with SCALE_PATIENTS; it must stay within 20%.
 */
async function scaleRun(db: Kysely<Database>, specFor: (target: Target, seconds?: number) => LoadSpec, provider: Target) {
  const patientCount = async () => Number((await db.selectFrom('patient').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  let filler = 0;
  const measureAt = async (target: number) => {
    // A new filler generation replaces the previous one.
    const wanted = target - ((await patientCount()) - filler);
    if (wanted > filler) {
      console.log(`scale: ${wanted} filler patients...`);
      let shown = 0;
      filler = wanted;
      await addFillerPatients(db, wanted, (done, total) => {
        if (done - shown >= total / 10 || done === total) console.log(`scale: ${(shown = done)}/${total}`);
      });
    }
    // Both sizes are measured settled and warm: a bulk load leaves vacuuming, a checkpoint's writes and
    // cold caches behind it, which would be measured instead of the cost of the store's size.
    await sql`vacuum analyze`.execute(db);
    await sql`checkpoint`.execute(db).catch(() => console.log('scale: CHECKPOINT needs the pg_checkpoint role; measuring without one'));
    const patients = await patientCount();
    console.log(`scale: ${patients} patients, warm-up ${WARMUP_S} s, then 300-item records for ${DURATION_S} s...`);
    assertClean(await runLoad(specFor(provider, WARMUP_S)), `scale warm-up at ${patients} patients`);
    const result = await runLoad(specFor(provider));
    assertClean(result, `scale at ${patients} patients`);
    return { patients, meanMs: result.latencyMs.mean, requestsPerSecond: result.requestsPerSecond };
  };
  const small = await measureAt(1_000);
  // The filler replaces itself: the second generation at the filler practice removes the first.
  const large = await measureAt(SCALE_PATIENTS);
  const growth = large.meanMs / small.meanMs;
  const summary = { small, large, costGrowth: growth, met: growth <= 1.2 };
  console.log(`\nscale: ${small.meanMs.toFixed(1)} ms per record at ${small.patients} patients, ${large.meanMs.toFixed(1)} ms at ${large.patients} (x${growth.toFixed(2)}; goal within 20%)\n`);
  return summary;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log(`bench: scratch database on ${new URL(SERVER_URL).host}, roster loading...`);
  const store = await openBenchStore(SERVER_URL, POOL_SIZE, (dispose) => cleanups.push(dispose));
  const db = store.db;

  const ods = NATIONAL_ROSTER.practice.odsCode;
  const practice = await findPractice(db, ods);
  if (!practice) throw new Error(`the roster load did not create practice ${ods}`);
  const nhsNumber = NATIONAL_ROSTER.patients.find((p) => patientLogicalId(p.key) === PATIENT_ID)?.nhsNumber;
  if (!nhsNumber) throw new Error(`the roster has no patient with logical id ${PATIENT_ID}`);

  // Provider and ceiling live in this process and share one pool; only the load is elsewhere.
  const provider = await buildProvider({ store, logger: false });
  cleanups.push(() => provider.close()); // waits for the audit trail to be written
  await provider.listen({ port: 0, host: '127.0.0.1' });
  const providerOrigin = `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`;
  const ceiling = await startCeiling(db);
  cleanups.push(() => ceiling.close());
  // The Spine Secure Proxy in front of the same provider, in its own process as in a deployment
  // (plain HTTP on both legs, as the direct call).
  const sspOrigin = await startSspProcess(store.url, providerOrigin);

  const providerRoot = `/${ods}/${SERVICE_ROOTS.foundations.path}`;
  const ceilingRoot = ceiling.rootPath(ods);
  const targets = (suffix: string) => ({ provider: { origin: providerOrigin, path: providerRoot + suffix }, ceiling: { origin: ceiling.origin, path: ceilingRoot + suffix } });
  const patientScenario = (name: string, interaction: InteractionName, suffix: string): Scenario => {
    const scenario = { name, interaction, ...targets(suffix), goal: GOAL };
    return { ...scenario, confirm: (toAsid) => confirmSameRow(scenario, toAsid, nhsNumber) };
  };
  const today = new Date().toISOString().slice(0, 10);
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const slotSearch = { name: 'Free slot search (2 weeks)', interaction: 'searchFreeSlots' as const, goal: SLOT_SEARCH_GOAL, ...targets(`/Slot?start=ge${today}&end=le${inTwoWeeks}&status=free&_include=Slot:schedule`) };
  // Booking: slot counts per run sized well above what each run can book (the ceiling is fastest).
  const booking = { name: 'Book an appointment (distinct slots)', interaction: 'bookAppointment' as const, goal: BOOKING_GOAL, ...targets('/Appointment') };
  const bookingSlots = { ceilingWarmup: 1, providerWarmup: 20_001, ceiling: 40_001, provider: 140_001 };
  // Through the proxy against the same call made directly: here the "ceiling" is the direct provider.
  const proxied = {
    name: 'Patient read through the SSP',
    interaction: 'readPatient' as const,
    goal: SSP_GOAL,
    provider: { origin: sspOrigin, path: `/${providerOrigin}${providerRoot}/Patient/${PATIENT_ID}` },
    ceiling: { origin: providerOrigin, path: `${providerRoot}/Patient/${PATIENT_ID}` },
  };
  const proxiedScenario: Scenario = { ...proxied, confirm: (toAsid) => confirmSameRow(proxied, toAsid, nhsNumber) };
  const only = process.env['BENCH_ONLY']?.toLowerCase();
  const selected = (name: string) => !only || name.toLowerCase().includes(only);
  const structuredScenarios: Scenario[] = [];
  const STRUCTURED_NAMES = ['Structured record (300 items)', 'Structured record (1,000 items)', 'Structured record (300 items) through the SSP', 'HTML summary (300 items) against the structured record'] as const;
  if (STRUCTURED_NAMES.some(selected)) {
    console.log(`bench: generating ${STRUCTURED_PATIENTS.items300} records of 300 items and ${STRUCTURED_PATIENTS.items1000} of 1,000...`);
    const sets = await prepareStructuredRecords(db, ods, { patients300: STRUCTURED_PATIENTS.items300, patients1000: STRUCTURED_PATIENTS.items1000 });
    const operation = '/Patient/$gpc.getstructuredrecord';
    const structuredPath = (practiceOds: string) => `/${practiceOds}/${SERVICE_ROOTS.structured.path}${operation}`;
    const direct = (practiceOds: string) => ({ origin: providerOrigin, path: structuredPath(practiceOds) });
    const structured = (name: string, set: GeneratedSet, items: number, goal: Goal, toAsid: string | undefined): Scenario => {
      const scenario = { name, interaction: 'getStructuredRecord' as const, goal, provider: direct(set.practiceOds), ceiling: { origin: ceiling.origin, path: `${ceiling.rootPath(set.practiceOds)}${operation}` }, bodies: fullRecordBodies(set.nhsNumbers), ...(toAsid ? { toAsid } : {}) };
      return { ...scenario, confirm: (asid) => confirmStructured(scenario, asid, items) };
    };
    const through = { name: STRUCTURED_NAMES[2], interaction: 'getStructuredRecord' as const, goal: SSP_GOAL, provider: { origin: sspOrigin, path: `/${providerOrigin}${structuredPath(ods)}` }, ceiling: direct(ods), bodies: fullRecordBodies(sets.items300.nhsNumbers) };
    structuredScenarios.push(
      structured(STRUCTURED_NAMES[0], sets.items300, 300, STRUCTURED_300_GOAL, undefined),
      structured(STRUCTURED_NAMES[1], sets.items1000, 1000, STRUCTURED_1000_GOAL, LARGE_RECORD_PRACTICE.asid),
      { ...through, confirm: (asid) => confirmStructured(through, asid, 1) },
    );
    // Access Record HTML's summary of the same records, against the structured record of each (issue 6): no goal, the figure is reported.
    const htmlSummary = {
      name: STRUCTURED_NAMES[3],
      interaction: 'getCareRecord' as const,
      goal: COMPARISON,
      provider: {
        origin: providerOrigin,
        path: `/${ods}/${SERVICE_ROOTS.html.path}/Patient/$gpc.getcarerecord`,
        request: { interaction: 'getCareRecord' as const, bodies: sets.items300.nhsNumbers.map((nhsNumber) => JSON.stringify(careRecordParameters({ nhsNumber, section: 'SUM' }))), requestedNhsNumbers: sets.items300.nhsNumbers },
      },
      ceiling: { ...direct(ods), request: { interaction: 'getStructuredRecord' as const, bodies: fullRecordBodies(sets.items300.nhsNumbers) } },
    };
    structuredScenarios.push({ ...htmlSummary, confirm: (asid) => confirmHtmlAgainstStructured(htmlSummary, asid) });
  }
  const scenarios: Scenario[] = [
    patientScenario('Patient read', 'readPatient', `/Patient/${PATIENT_ID}`),
    patientScenario('Patient search', 'searchPatients', `/Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}%7C${nhsNumber}`),
    { ...slotSearch, confirm: (toAsid) => confirmSameSlots(slotSearch, toAsid) },
    { ...booking, bookingSlots, confirm: (toAsid) => confirmBooking(booking, toAsid) },
    proxiedScenario,
    ...structuredScenarios,
  ];
  console.log(`bench: inserting ${BENCH_SLOT_COUNT} bench slots for the booking scenario...`);
  await insertBenchSlots(db, BENCH_SLOT_COUNT);

  const machine = await machineInfo(db);
  console.log(
    `bench: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}; node ${machine.node}\n` +
      `bench: ${machine.postgres} (synchronous_commit=${machine.postgresSettings.synchronous_commit}, fsync=${machine.postgresSettings.fsync})\n` +
      `bench: ${DURATION_S} s per run at ${CONNECTIONS} connections, pool ${POOL_SIZE}, warm-up ${WARMUP_S} s; patient ${PATIENT_ID} (NHS ${nhsNumber}) at ${ods} (ASID ${practice.asid})\n`,
  );

  const spec = (scenario: Scenario, target: Target, durationSeconds: number, firstSlot?: number, connections = CONNECTIONS): LoadSpec => ({
    origin: target.origin,
    path: target.path,
    interaction: scenario.interaction,
    toAsid: scenario.toAsid ?? practice.asid,
    durationSeconds,
    connections,
    ...(firstSlot !== undefined ? { booking: { firstSlot, patientIds: BOOKING_PATIENT_IDS } } : {}),
    ...(scenario.bodies ? { bodies: scenario.bodies } : {}),
    ...(target.request ?? {}),
  });

  const results: ScenarioResult[] = [];
  for (const scenario of scenarios.filter((s) => selected(s.name))) {
    await scenario.confirm(scenario.toAsid ?? practice.asid);
    const slots = scenario.bookingSlots;
    console.log(`${scenario.name}: warm-up (${WARMUP_S} s each, not reported)...`);
    assertClean(await runLoad(spec(scenario, scenario.ceiling, WARMUP_S, slots?.ceilingWarmup)), `${scenario.name} ceiling warm-up`);
    assertClean(await runLoad(spec(scenario, scenario.provider, WARMUP_S, slots?.providerWarmup)), `${scenario.name} provider warm-up`);

    const ceilingBusy = await warnIfBusy(`${scenario.name} ceiling`);
    console.log(`${scenario.name}: ceiling ${DURATION_S} s...`);
    const ceilingResult = await runLoad(spec(scenario, scenario.ceiling, DURATION_S, slots?.ceiling));
    assertClean(ceilingResult, `${scenario.name} ceiling`);
    const providerBusy = await warnIfBusy(`${scenario.name} provider`);
    console.log(`${scenario.name}: provider ${DURATION_S} s...`);
    const auditBefore = await auditRowCount(db);
    const providerResult = await runLoad(spec(scenario, scenario.provider, DURATION_S, slots?.provider));
    assertClean(providerResult, `${scenario.name} provider`);
    const auditRows = (await auditRowCount(db)) - auditBefore;

    const result = scenarioResult(
      scenario.name,
      { provider: scenario.provider.path, ceiling: scenario.ceiling.path },
      { ...ceilingResult, machineBusyBeforePercent: ceilingBusy },
      { ...providerResult, machineBusyBeforePercent: providerBusy },
      auditRows,
      scenario.goal,
    );
    results.push(result);
    console.log(`\n${formatScenario(result)}\n`);
  }

  const structured300 = structuredScenarios[0];
  const measured300 = results.find((r) => r.name === structured300?.name);
  const burst = structured300 && measured300 ? await overloadRun(structured300, measured300.provider.requestsPerSecond, (target, connections) => spec(structured300, target, DURATION_S, undefined, connections)) : undefined;
  const scale = structured300 && SCALE_PATIENTS > 0 ? await scaleRun(db, (target, seconds = DURATION_S) => spec(structured300, target, seconds), structured300.provider) : undefined;

  const missed = [...results.filter((r) => !(r.meetsRatio && r.meetsP99)).map((r) => r.name), ...(burst && !burst.met ? ['100-connection burst'] : []), ...(scale && !scale.met ? ['scale'] : [])];
  const met = missed.length === 0;
  console.log(`bench: goals ${met ? 'PASS' : `MISS (${missed.join(', ')})`}`);

  mkdirSync(new URL('.', RESULTS_FILE), { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    settings: { durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, connections: CONNECTIONS, poolSize: POOL_SIZE, patientId: PATIENT_ID },
    goalMet: met,
    scenarios: results,
    ...(burst ? { burst } : {}),
    ...(scale ? { scale } : {}),
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`bench: results written to ${fileURLToPath(RESULTS_FILE)}`);
}

try {
  await main();
  await cleanUp();
} catch (error) {
  // After an interrupt the run fails as a matter of course; the signal handler reports and exits.
  if (!interrupted) {
    console.error(error instanceof BenchFailure ? error.message : error);
    await cleanUp();
    process.exit(1);
  }
}
