import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { interaction } from '@gpconnect/fhir';
import { setPracticeCapabilities, type Store } from '@gpconnect/store';
import { loadNationalRoster } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { buildSds, SDS_BASE_PATH, SDS_SYSTEMS } from './sds-app.ts';

type Json = Record<string, unknown>;

const PROVIDER = 'https://provider.example.nhs.uk';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const iid = (name: Parameters<typeof interaction>[0]) => interaction(name).interactionId;

for (const backend of testStoreBackends()) {
  describe(`SDS FHIR R4 simulator (${backend.name})`, () => {
    let store: Store;
    let sds: FastifyInstance;
    before(async () => {
      store = await backend.open();
      await loadNationalRoster(store.db, { today: '2026-11-24', now: new Date('2026-11-24T10:00:00Z') });
      sds = await buildSds({ db: store.db, providerBaseUrl: PROVIDER, consumers: [{ asid: '200000000359', odsCode: 'A20047' }] });
    });
    after(async () => {
      await sds.close();
      await store.close();
    });

    const get = (path: string, apikey: string | null = 'test-key') =>
      sds.inject({ method: 'GET', url: `${SDS_BASE_PATH}/${path}`, headers: apikey === null ? {} : { apikey } });
    const resources = async (path: string) => {
      const response = await get(path);
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      const bundle = response.json() as { type: string; total: number; entry: { resource: Json }[] };
      assert.equal(bundle.type, 'searchset');
      assert.equal(bundle.total, bundle.entry.length);
      return bundle.entry.map((e) => e.resource);
    };
    const identifier = (resource: Json, system: string) => (resource['identifier'] as { system: string; value: string }[]).find((i) => i.system === system)?.value;
    const endpointQuery = (ods: string, interactionId: string) => `Endpoint?organization=${encodeURIComponent(`${ODS_SYSTEM}|${ods}`)}&identifier=${encodeURIComponent(`${SDS_SYSTEMS.interactionId}|${interactionId}`)}`;

    test('the consumer algorithm: Endpoint gives the service root and party key, Device the ASID', async () => {
      const [endpoint, ...more] = await resources(endpointQuery('B82617', iid('readPatient')));
      assert.equal(more.length, 0);
      assert.equal(endpoint!['address'], `${PROVIDER}/B82617/STU3/1/gpconnect`);
      assert.equal(identifier(endpoint!, SDS_SYSTEMS.fqdn), 'provider.example.nhs.uk');
      const partyKey = identifier(endpoint!, SDS_SYSTEMS.partyKey)!;
      assert.equal(partyKey, 'B82617-9198738');
      const device = await resources(
        `Device?organization=${encodeURIComponent(`${ODS_SYSTEM}|B82617`)}&identifier=${encodeURIComponent(`${SDS_SYSTEMS.interactionId}|${iid('readPatient')}`)}&identifier=${encodeURIComponent(`${SDS_SYSTEMS.partyKey}|${partyKey}`)}`,
      );
      assert.deepEqual(device.map((d) => identifier(d, SDS_SYSTEMS.asid)), ['918999198738']);
    });

    test('each capability has its own endpoint', async () => {
      const roots = await Promise.all(
        (['searchFreeSlots', 'getStructuredRecord', 'searchDocuments', 'getCareRecord'] as const).map(async (name) => (await resources(endpointQuery('B82617', iid(name))))[0]!['address']),
      );
      assert.deepEqual(roots, [`${PROVIDER}/B82617/STU3/1/gpconnect`, `${PROVIDER}/B82617/STU3/1/gpconnect/structured`, `${PROVIDER}/B82617/STU3/1/gpconnect/documents`, `${PROVIDER}/B82617/DSTU2/1/gpconnect`]);
      // Access Record HTML's interaction (0.7.x, no "-1") is on the consumer's AS record, so the proxy lets it through.
      const consumer = await resources(`Device?organization=${encodeURIComponent(`${ODS_SYSTEM}|A20047`)}&identifier=${encodeURIComponent(`${SDS_SYSTEMS.interactionId}|urn:nhs:names:services:gpconnect:fhir:operation:gpc.getcarerecord`)}`);
      assert.deepEqual(consumer.map((d) => identifier(d, SDS_SYSTEMS.asid)), ['200000000359']);
    });

    test('a capability switched off is not published; a consumer has an AS record and no endpoint', async () => {
      await setPracticeCapabilities(store.db, 'B82617', ['foundations', 'appointments']);
      try {
        assert.deepEqual(await resources(endpointQuery('B82617', iid('getStructuredRecord'))), []);
        assert.equal((await resources(endpointQuery('B82617', iid('readPatient')))).length, 1);
      } finally {
        await setPracticeCapabilities(store.db, 'B82617', ['foundations', 'appointments', 'structured', 'documents', 'html', 'update-record']);
      }
      assert.deepEqual(await resources(endpointQuery('A20047', iid('readPatient'))), []);
      const consumer = await resources(`Device?organization=${encodeURIComponent(`${ODS_SYSTEM}|A20047`)}&identifier=${encodeURIComponent(`${SDS_SYSTEMS.interactionId}|${iid('readPatient')}`)}`);
      assert.deepEqual(consumer.map((d) => [identifier(d, SDS_SYSTEMS.asid), identifier(d, SDS_SYSTEMS.partyKey)]), [['200000000359', undefined]]);
    });

    test('errors: no apikey 401; no identifier, a foreign system or no organization for Device 400', async () => {
      assert.equal((await get(endpointQuery('B82617', iid('readPatient')), null)).statusCode, 401);
      assert.equal((await get(`Endpoint?organization=${encodeURIComponent(`${ODS_SYSTEM}|B82617`)}`)).statusCode, 400);
      assert.equal((await get(`Endpoint?identifier=${encodeURIComponent('https://example.org/x|1')}`)).statusCode, 400);
      const missing = await get(`Device?identifier=${encodeURIComponent(`${SDS_SYSTEMS.interactionId}|${iid('readPatient')}`)}`);
      assert.equal(missing.statusCode, 400);
      assert.equal((missing.json() as { resourceType: string }).resourceType, 'OperationOutcome');
    });
  });
}
