import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { IDENTIFIER_SYSTEMS, type InteractionName } from '@gpconnect/fhir';
import { buildProvider, SERVICE_ROOTS } from '@gpconnect/provider';
import { bookingRequest, gpconnectHeaders } from '@gpconnect/provider/testing';
import { findPractice, sql, type Database, type Kysely } from '@gpconnect/store';
import { NATIONAL_ROSTER, patientLogicalId } from '@gpconnect/testdata';
import { openBenchStore } from './bench-store.ts';
import { startCeiling } from './ceiling.ts';
import { runLoad, stopLoad } from './load-process.ts';
import type { LoadResult, LoadSpec } from './load-protocol.ts';
import { machineInfo, warnIfBusy } from './machine.ts';
import { BOOKING_GOAL, failuresOf, formatScenario, GOAL, scenarioResult, SLOT_SEARCH_GOAL, SSP_GOAL, type Goal, type ScenarioResult } from './report.ts';
import { benchSlot, BENCH_SCHEDULE, insertBenchSlots } from './bench-slots.ts';

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
}

/** One request with the headers the load sends (a POST when `body` is given); the body decoded. */
async function send(target: Target, interaction: InteractionName, toAsid: string, body?: string): Promise<{ status: number; body: string }> {
  const headers = gpconnectHeaders(interaction, { toAsid, now: Math.floor(Date.now() / 1000) });
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
  const scenarios: Scenario[] = [
    patientScenario('Patient read', 'readPatient', `/Patient/${PATIENT_ID}`),
    patientScenario('Patient search', 'searchPatients', `/Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}%7C${nhsNumber}`),
    { ...slotSearch, confirm: (toAsid) => confirmSameSlots(slotSearch, toAsid) },
    { ...booking, bookingSlots, confirm: (toAsid) => confirmBooking(booking, toAsid) },
    proxiedScenario,
  ];
  console.log(`bench: inserting ${BENCH_SLOT_COUNT} bench slots for the booking scenario...`);
  await insertBenchSlots(db, BENCH_SLOT_COUNT);

  const machine = await machineInfo(db);
  console.log(
    `bench: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}; node ${machine.node}\n` +
      `bench: ${machine.postgres} (synchronous_commit=${machine.postgresSettings.synchronous_commit}, fsync=${machine.postgresSettings.fsync})\n` +
      `bench: ${DURATION_S} s per run at ${CONNECTIONS} connections, pool ${POOL_SIZE}, warm-up ${WARMUP_S} s; patient ${PATIENT_ID} (NHS ${nhsNumber}) at ${ods} (ASID ${practice.asid})\n`,
  );

  const spec = (scenario: Scenario, target: Target, durationSeconds: number, firstSlot?: number): LoadSpec => ({
    origin: target.origin,
    path: target.path,
    interaction: scenario.interaction,
    toAsid: practice.asid,
    durationSeconds,
    connections: CONNECTIONS,
    ...(firstSlot !== undefined ? { booking: { firstSlot, patientIds: BOOKING_PATIENT_IDS } } : {}),
  });

  const results: ScenarioResult[] = [];
  const only = process.env['BENCH_ONLY']?.toLowerCase();
  for (const scenario of scenarios.filter((s) => !only || s.name.toLowerCase().includes(only))) {
    await scenario.confirm(practice.asid);
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

  const missed = results.filter((r) => !(r.meetsRatio && r.meetsP99)).map((r) => r.name);
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
