import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASID, bundleEntries, ODS, registerRea, request, runCli, searchRea, startUp } from './test-support.ts';

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
