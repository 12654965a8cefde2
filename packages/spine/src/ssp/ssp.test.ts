import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildProvider, type Provider } from '@gpconnect/provider';
import { gpconnectHeaders, registrationParameters, registrationPatient } from '@gpconnect/provider/testing';
import { findSspHops, queryAuditEvents, type Store } from '@gpconnect/store';
import { loadNationalRoster } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { buildSsp, type SspApp, type SspOptions } from './ssp-app.ts';
import { SSP_ERROR_SYSTEM } from './ssp-errors.ts';

const CONSUMER = { asid: '200000000359', odsCode: 'A20047' };
const PRACTICE_ASID = '918999198738';

function expectSspError(response: LightMyRequestResponse, status: number, diagnostics: string): void {
  assert.equal(response.statusCode, status, response.body.slice(0, 300));
  const outcome = response.json() as { resourceType: string; issue: { details: { coding: { system: string; code: string; display: string }[] }; diagnostics: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.deepEqual(outcome.issue[0]!.details.coding[0], { system: SSP_ERROR_SYSTEM, code: String(status), display: diagnostics });
  assert.equal(outcome.issue[0]!.diagnostics, diagnostics);
}

for (const backend of testStoreBackends()) {
  describe(`Spine Secure Proxy simulator (${backend.name})`, () => {
    let store: Store;
    let provider: Provider;
    let providerUrl: string;
    const proxies: SspApp[] = [];
    before(async () => {
      store = await backend.open();
      const now = new Date();
      await loadNationalRoster(store.db, { today: now.toISOString().slice(0, 10), now });
      provider = await buildProvider({ store });
      providerUrl = (await provider.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    });
    after(async () => {
      await Promise.all(proxies.map((p) => p.close()));
      await provider.close();
      await store.close();
    });

    const ssp = async (options: Partial<SspOptions> = {}) => {
      const app = await buildSsp({ db: store.db, providerBaseUrl: providerUrl, consumers: [CONSUMER], directoryTtlMs: 0, ...options });
      proxies.push(app);
      return app;
    };
    const call = (proxy: FastifyInstance, target: string, init: { method?: string; headers?: Record<string, string | undefined>; body?: string; name?: Parameters<typeof gpconnectHeaders>[0] } = {}) => {
      const headers: Record<string, string> = gpconnectHeaders(init.name ?? 'readPatient', { toAsid: PRACTICE_ASID, now: Math.floor(Date.now() / 1000), traceId: `trace-${Math.random()}` });
      for (const [k, v] of Object.entries(init.headers ?? {})) {
        if (v === undefined) delete headers[k];
        else headers[k] = v;
      }
      return proxy.inject({ method: (init.method ?? 'GET') as 'GET', url: `/${target}`, headers, ...(init.body ? { payload: init.body } : {}) });
    };
    const root = () => `${providerUrl}/B82617/STU3/1/gpconnect`;

    test('a valid call is forwarded and answered by the provider unchanged; the hop and the provider audit share the trace ID', async () => {
      const proxy = await ssp();
      const traceId = '7f6c1a52-0d3b-4c1e-8f51-9a3d2e6b4c10';
      const via = await call(proxy, `${root()}/Patient/2`, { headers: { 'ssp-traceid': traceId } });
      assert.equal(via.statusCode, 200, via.body.slice(0, 300));
      assert.equal((via.json() as { id: string }).id, '2');
      assert.equal(via.headers['etag'], 'W/"1"');
      assert.equal(via.headers['cache-control'], 'no-store');
      await proxy.flushHops();
      const [hop, ...more] = await findSspHops(store.db, traceId);
      assert.equal(more.length, 0);
      assert.deepEqual([hop!.outcome, hop!.http_status, hop!.from_asid, hop!.to_asid, hop!.target_url], ['FORWARDED', 200, CONSUMER.asid, PRACTICE_ASID, `${root()}/Patient/2`]);
      const audit = await queryAuditEvents(store.db, { traceId });
      assert.deepEqual(audit.map((a) => a.interaction), ['readPatient']);
    });

    test('answers are relayed byte for byte with the provider\'s Content-Length: a small one read whole, a large one streamed through', async () => {
      const proxy = await ssp();
      const everything = ['includeConsultations', 'includeProblems', 'includeImmunisations', 'includeUncategorisedData', 'includeInvestigations', 'includeReferrals', 'includeDiaryEntries'];
      const record = JSON.stringify({
        resourceType: 'Parameters',
        parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937286' } }, ...everything.map((name) => ({ name }))],
      });
      const structured = `${providerUrl}/B82617/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`;
      // Uncompressed, so that the sizes are the bodies' own (fetch would unzip what it asked to be zipped).
      const identity = { 'accept-encoding': 'identity' };
      const cases = [
        { target: `${root()}/Patient/2`, init: { headers: identity } },
        { target: structured, init: { method: 'POST', name: 'getStructuredRecord' as const, body: record, headers: { ...identity, 'content-type': 'application/fhir+json' } } },
      ];
      const sizes: number[] = [];
      for (const { target, init } of cases) {
        const traceId = `relay-${sizes.length}`;
        const via = await call(proxy, target, { ...init, headers: { ...init.headers, 'ssp-traceid': traceId } });
        const direct = await fetch(target, { method: init.method ?? 'GET', headers: { ...gpconnectHeaders(init.name ?? 'readPatient', { toAsid: PRACTICE_ASID, now: Math.floor(Date.now() / 1000), traceId }), ...init.headers }, ...(init.body ? { body: init.body } : {}) });
        const expected = Buffer.from(await direct.arrayBuffer());
        assert.equal(via.statusCode, 200, via.body.slice(0, 300));
        assert.equal(via.headers['content-length'], direct.headers.get('content-length'));
        assert.ok(via.rawPayload.equals(expected), target);
        sizes.push(expected.length);
      }
      assert.ok(sizes[0]! < 64 * 1024 && sizes[1]! > 64 * 1024, `sizes ${sizes.join(', ')}: one each side of the whole-answer limit`);
    });

    test('POST bodies and provider errors pass through, status and headers included', async () => {
      const proxy = await ssp();
      const person = { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' };
      const body = JSON.stringify(registrationParameters(registrationPatient(person)));
      const registered = await call(proxy, `${root()}/Patient/$gpc.registerpatient`, { method: 'POST', name: 'registerPatient', body, headers: { 'content-type': 'application/fhir+json' } });
      assert.equal(registered.statusCode, 200, registered.body.slice(0, 300));
      const again = await call(proxy, `${root()}/Patient/$gpc.registerpatient`, { method: 'POST', name: 'registerPatient', body, headers: { 'content-type': 'application/fhir+json' } });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /DUPLICATE_REJECTED/);
    });

    test('the sender must hold the interaction, the receiver serve it, and a sharing agreement allow it', async () => {
      const proxy = await ssp({ mayShare: (from, to) => !(from === '200000000359' && to === '999999999999') });
      expectSspError(await call(proxy, `${root()}/Patient/2`, { headers: { 'ssp-from': '123456789012' } }), 403, 'ASID_CHECK_FAILED_MESSAGESENDER_123456789012');
      expectSspError(await call(proxy, `${root()}/Patient/2`, { headers: { 'ssp-to': '123456789012' } }), 403, 'PARTYKEY_INTERACTION_CHECK_FAILED_MESSAGERECEIVER_123456789012');
      const refusing = await ssp({ mayShare: () => false });
      expectSspError(await call(refusing, `${root()}/Patient/2`), 403, `FOT_CHECK_FAILED_MESSAGESENDER_${CONSUMER.asid}_MESSAGERECEIVER_${PRACTICE_ASID}`);
      const limited = await ssp({ consumers: [{ ...CONSUMER, interactionIds: ['urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1'] }] });
      expectSspError(await call(limited, `${root()}/Patient/2`), 403, `ASID_CHECK_FAILED_MESSAGESENDER_${CONSUMER.asid}`);
    });

    test('the target must be the service root SDS publishes, byte for byte', async () => {
      const proxy = await ssp();
      const elsewhere = root().replace('127.0.0.1', 'localhost');
      const response = await call(proxy, `${elsewhere}/Patient/2`);
      assert.equal(response.statusCode, 400);
      assert.match((response.json() as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics, new RegExp(`^ENDPOINT_${root().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}_CPAID_S[0-9A-F]{12}_VARIES_FROM_TARGETURL_`));
      const structuredAtFoundations = await call(proxy, `${root()}/Patient/$gpc.getstructuredrecord`, { method: 'POST', name: 'getStructuredRecord', body: '{}', headers: { 'content-type': 'application/fhir+json' } });
      assert.equal(structuredAtFoundations.statusCode, 400);
    });

    test('method, media type and missing Spine headers are refused before anything is forwarded', async () => {
      const proxy = await ssp();
      expectSspError(await call(proxy, `${root()}/Patient/2`, { method: 'DELETE' }), 405, '405: Method Not Allowed');
      expectSspError(await call(proxy, `${root()}/Patient/$gpc.registerpatient`, { method: 'POST', name: 'registerPatient', body: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'Unsupported_Media_Type');
      expectSspError(await call(proxy, `${root()}/Patient/2`, { headers: { 'ssp-from': undefined } }), 400, 'MISSING_HEADER_SSP_FROM');
      expectSspError(await call(proxy, 'not-a-url/Patient/2'), 400, 'INVALID_TARGET_URL_not-a-url/Patient/2');
    });

    test('an unreachable provider is 502; one that does not answer in time is 504', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((resolve) => closed.close(resolve));
      const dead = await ssp({ providerBaseUrl: deadUrl });
      expectSspError(await call(dead, `${deadUrl}/B82617/STU3/1/gpconnect/Patient/2`), 502, `ERROR_COMMUNICATING_TO_ENDPOINT_URL_${deadUrl}/B82617/STU3/1/gpconnect/Patient/2`);

      const hanging: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const slowUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      try {
        const slow = await ssp({ providerBaseUrl: slowUrl, timeoutMs: 200 });
        const response = await call(slow, `${slowUrl}/B82617/STU3/1/gpconnect/Patient/2`);
        assert.equal(response.statusCode, 504);
      } finally {
        hanging.closeAllConnections();
        await new Promise((resolve) => hanging.close(resolve));
      }
    });
  });
}
