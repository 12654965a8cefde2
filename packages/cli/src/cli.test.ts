import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDENTIFIER_SYSTEMS, type InteractionName } from '@gpconnect/fhir';
import { gpconnectHeaders, registrationParameters, registrationPatient } from '@gpconnect/provider/testing';
import { findFreeSlots, openStore } from '@gpconnect/store';
import { createScratchDatabase, type ScratchDatabase } from '@gpconnect/store/testing';
import { loadNationalRoster } from '@gpconnect/testdata';
import { runCli, startUp } from './test-support.ts';

const ODS = 'B82617';
const ASID = '918999198738';
const FOUNDATIONS = `/${ODS}/STU3/1/gpconnect`;
/** On PDS but not registered at the practice (roster pdsOnlyPatients): registration creates a patient. */
const REA = { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' };

/** Sends a GP Connect request over real HTTP as a conforming consumer would. */
async function request(base: string, name: InteractionName, path: string, init: { body?: unknown; traceId?: string; gzip?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = gpconnectHeaders(name, { toAsid: ASID, now: Math.floor(Date.now() / 1000), ...(init.traceId ? { traceId: init.traceId } : {}) });
  if (init.body !== undefined) headers['content-type'] = 'application/fhir+json';
  headers['accept-encoding'] = init.gzip ? 'gzip' : 'identity';
  return fetch(`${base}${FOUNDATIONS}/${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

const searchRea = (base: string) => request(base, 'searchPatients', `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|${REA.nhsNumber}`);

function registerRea(base: string): Promise<Response> {
  return request(base, 'registerPatient', 'Patient/$gpc.registerpatient', { body: registrationParameters(registrationPatient(REA)) });
}

async function bundleEntries(response: Response): Promise<number> {
  assert.equal(response.status, 200);
  return ((await response.json()) as { entry?: unknown[] }).entry?.length ?? 0;
}

describe('gpconnect on the embedded store (PGlite)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-cli-'));
    env = { GPCONNECT_DATA_DIR: dataDir };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('up seeds an empty store, prints every service root, serves real HTTP with gzip, and stops cleanly on SIGTERM', async () => {
    const system = await startUp(env);
    let stopped = false;
    try {
      assert.match(system.banner, /Seeded practice B82617 with the national test roster/);
      assert.match(system.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'HOST defaults to 127.0.0.1');
      for (const root of ['STU3/1/gpconnect', 'STU3/1/gpconnect/structured', 'STU3/1/gpconnect/documents', 'DSTU2/1/gpconnect']) {
        assert.ok(system.banner.includes(`${system.url}/${ODS}/${root}\n`), `service root ${root} printed`);
      }
      const metadata = await request(system.url, 'metadata', 'metadata', { gzip: true, traceId: 'cli-first-run' });
      assert.equal(metadata.status, 200);
      assert.equal(metadata.headers.get('cache-control'), 'no-store');
      // fetch decodes gzip itself; the header shows the provider compressed it on the wire.
      assert.equal(metadata.headers.get('content-encoding'), 'gzip');
      assert.equal(((await metadata.json()) as { resourceType: string }).resourceType, 'CapabilityStatement');
      // PDS runs alongside, over the same store: a trace gives the registered practice to look up in SDS.
      const pdsUrl = /PDS simulator \(FHIR R4\) on (\S+)/.exec(system.banner)?.[1];
      assert.match(pdsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/personal-demographics\/FHIR\/R4$/);
      const traced = await fetch(`${pdsUrl}/Patient/9690937286`, { headers: { 'x-request-id': '60e4f6e5-3a2e-4a51-9d0f-8b0c2f1e7a11' } });
      assert.equal(traced.status, 200);
      assert.deepEqual(((await traced.json()) as { generalPractitioner: { identifier: { value: string } }[] }).generalPractitioner[0]!.identifier.value, ODS);
      // SDS publishes the practice's service roots at the provider's own address.
      const sdsUrl = /SDS simulator \(FHIR R4\) on (\S+)/.exec(system.banner)?.[1];
      const lookup = await fetch(`${sdsUrl}/Endpoint?organization=https://fhir.nhs.uk/Id/ods-organization-code%7C${ODS}&identifier=https://fhir.nhs.uk/Id/nhsServiceInteractionId%7Curn:nhs:names:services:gpconnect:fhir:rest:read:patient-1`, { headers: { apikey: 'local' } });
      const endpoints = (await lookup.json()) as { entry: { resource: { address: string } }[] };
      assert.deepEqual(endpoints.entry.map((e) => e.resource.address), [`${system.url}/${ODS}/STU3/1/gpconnect`]);
      // The proxy forwards to the endpoint SDS published.
      const sspUrl = /Spine Secure Proxy on (\S+)/.exec(system.banner)?.[1];
      const viaSsp = await request(`${sspUrl}/${system.url}`, 'metadata', 'metadata', { traceId: 'cli-via-ssp' });
      assert.equal(viaSsp.status, 200);
      assert.equal(((await viaSsp.json()) as { resourceType: string }).resourceType, 'CapabilityStatement');
      assert.equal(await bundleEntries(await searchRea(system.url)), 0, 'REA is on PDS only until registered');
      assert.equal((await registerRea(system.url)).status, 200);
      assert.equal(await bundleEntries(await searchRea(system.url)), 1);
    } finally {
      const result = await system.stop();
      stopped = result.code === 0;
      assert.equal(result.code, 0, `exit code after SIGTERM; stderr: ${result.stderr}`);
    }
    assert.ok(stopped);
  });

  test('a restart keeps the data: no reseed, the registered patient and the audit trail are still there', async () => {
    const system = await startUp(env);
    try {
      assert.doesNotMatch(system.banner, /Seeded/);
      assert.equal(await bundleEntries(await searchRea(system.url)), 1);
    } finally {
      assert.equal((await system.stop()).code, 0);
    }
    const audit = await runCli(['audit', '--trace-id', 'cli-first-run', '--format', 'json'], env);
    assert.equal(audit.code, 0, audit.stderr);
    const rows = JSON.parse(audit.stdout) as { interaction: string; http_status: number; outcome_code: string; practice_ods: string }[];
    assert.deepEqual(rows.map((r) => [r.interaction, r.http_status, r.outcome_code, r.practice_ods]), [['metadata', 200, 'OK', ODS]]);
  });

  test('the embedded store is single-process: reset is refused while up runs, with a message saying why', async () => {
    const system = await startUp(env);
    try {
      const refused = await runCli(['reset'], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /in use by another gpconnect process \(pid \d+\)/);
      assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      assert.equal((await system.stop()).code, 0);
    }
  });

  test('reset restores the starting state: what the API created is gone', async () => {
    const reset = await runCli(['reset'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /^Reset practice B82617: \d+ patients/);
    const system = await startUp(env);
    try {
      assert.equal(await bundleEntries(await searchRea(system.url)), 0);
    } finally {
      await system.stop();
    }
  });

  test('audit filters by outcome and prints a table', async () => {
    const table = await runCli(['audit', '--outcome', 'OK', '--limit', '2'], env);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^seq\s+time \(UTC\)\s+practice\s+interaction\s+status\s+outcome/);
    assert.equal(lines.length, 3, 'a header and two rows');
    for (const line of lines.slice(1)) assert.match(line, / 200 +OK /);
  });

  test('practice capabilities switches capabilities and rejects unknown ones', async () => {
    const off = await runCli(['practice', 'capabilities', ODS, '--disable', 'documents,html'], env);
    assert.equal(off.stdout, `${ODS}: foundations, appointments, structured, update-record\n`);
    const list = await runCli(['practice', 'list'], env);
    assert.match(list.stdout, new RegExp(`^${ODS}  ASID ${ASID}  .+  \\[foundations, appointments, structured, update-record\\]\\n$`));
    const on = await runCli(['practice', 'capabilities', ODS, '--enable', 'html', '--enable', 'documents'], env);
    assert.equal(on.stdout, `${ODS}: foundations, appointments, structured, documents, html, update-record\n`);
    const unknown = await runCli(['practice', 'capabilities', ODS, '--enable', 'telepathy'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown capability telepathy/);
    const missing = await runCli(['practice', 'capabilities', 'Z99999', '--enable', 'html'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no practice Z99999/);
  });

  test('practice structured-areas switches clinical areas off and on again (structured.md §7)', async () => {
    const off = await runCli(['practice', 'structured-areas', ODS, '--disable', 'medications,referrals'], env);
    assert.equal(off.stdout, `${ODS}: switched off: medications, referrals\n`);
    const on = await runCli(['practice', 'structured-areas', ODS, '--enable', 'medications,referrals'], env);
    assert.equal(on.stdout, `${ODS}: every clinical area on\n`);
    const unknown = await runCli(['practice', 'structured-areas', ODS, '--disable', 'horoscopes'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown clinical area horoscopes/);
  });

  test('a bad PORT is refused with a message, not a stack trace', async () => {
    const result = await runCli(['up'], { ...env, PORT: 'eighty' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'gpconnect: PORT must be a whole number from 0 to 65535, not "eighty"\n');
  });
});

describe('gpconnect up keeps the rolling appointment capacity ahead of the calendar', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-topup-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a store seeded 20 days ago gets the next two weeks of free slots at start, without a reset', async () => {
    const loadedAt = new Date(Date.now() - 20 * 24 * 3600 * 1000);
    const seeded = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      await loadNationalRoster(seeded.db, { today: loadedAt.toISOString().slice(0, 10), now: loadedAt });
      await seeded.db.insertInto('audit_event').values({ occurred_at: loadedAt, method: 'GET', path: '/marker', outcome_code: 'OK', http_status: 200, duration_ms: 1 }).execute();
    } finally {
      await seeded.close();
    }
    const system = await startUp({ GPCONNECT_DATA_DIR: dataDir });
    assert.match(system.banner, /Topped up the roster's appointment capacity: \d+ slots added/);
    assert.doesNotMatch(system.banner, /Seeded/);
    assert.equal((await system.stop()).code, 0);
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const now = new Date();
      const free = await findFreeSlots(store.db, ODS, now, new Date(now.getTime() + 14 * 24 * 3600 * 1000));
      assert.ok(free.length >= 100, `${free.length} free slots in the next two weeks`);
      assert.equal((await store.db.selectFrom('audit_event').select('path').where('path', '=', '/marker').execute()).length, 1, 'nothing was reset');
    } finally {
      await store.close();
    }
  });
});

const serverUrl = process.env['GPC_TEST_POSTGRES_URL'];

describe('gpconnect on PostgreSQL (DATABASE_URL)', { skip: !serverUrl && 'GPC_TEST_POSTGRES_URL is not set' }, () => {
  let database: ScratchDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await createScratchDatabase(serverUrl!);
    env = { DATABASE_URL: database.url, GPCONNECT_DATA_DIR: join(tmpdir(), 'gpconnect-unused') };
  });
  after(async () => database.drop());

  test('processes share the store: a capability switched off by the CLI reaches the running provider, and reset works while it serves', async () => {
    const system = await startUp(env);
    try {
      assert.match(system.banner, /store: PostgreSQL at 127\.0\.0\.1:5432\/gpc_test_/);
      assert.doesNotMatch(system.banner, /postgres@/, 'no credentials printed');
      assert.equal((await registerRea(system.url)).status, 200);
      assert.equal((await runCli(['practice', 'capabilities', ODS, '--disable', 'foundations'], env)).code, 0);
      // The provider caches practice rows for up to 2 s.
      let status = 0;
      for (let i = 0; i < 40 && status !== 403; i++) {
        status = (await searchRea(system.url)).status;
        if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 403, 'foundations switched off answers 403 ACCESS DENIED');
      assert.equal((await runCli(['practice', 'capabilities', ODS, '--enable', 'foundations'], env)).code, 0);
      const reset = await runCli(['reset'], env);
      assert.equal(reset.code, 0, reset.stderr);
      let total = -1;
      for (let i = 0; i < 40 && total !== 0; i++) {
        const response = await searchRea(system.url);
        total = response.status === 200 ? await bundleEntries(response) : -1;
        if (total !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(total, 0, 'the reset removed the registration');
    } finally {
      assert.equal((await system.stop()).code, 0);
    }
  });
});
