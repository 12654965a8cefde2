import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Store } from '@gpconnect/store';
import { loadNationalRoster } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { buildPds, PDS_BASE_PATH } from './pds-app.ts';
import { SPINE_ERROR_SYSTEM, type PdsErrorCode } from './pds-errors.ts';

type Json = Record<string, unknown>;

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T10:00:00Z`);

function expectPdsError(response: LightMyRequestResponse, code: PdsErrorCode, status: number): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 300));
  const outcome = response.json() as { resourceType: string; issue: { details: { coding: { system: string; code: string }[] }; diagnostics: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.deepEqual(outcome.issue[0]!.details.coding.map((c) => [c.system, c.code]), [[SPINE_ERROR_SYSTEM, code]]);
  return outcome.issue[0]!.diagnostics;
}

for (const backend of testStoreBackends()) {
  describe(`PDS FHIR R4 simulator (${backend.name})`, () => {
    let store: Store;
    let pds: FastifyInstance;
    before(async () => {
      store = await backend.open();
      await loadNationalRoster(store.db, { today: TODAY, now: NOW });
      pds = await buildPds({ db: store.db });
    });
    after(async () => {
      await pds.close();
      await store.close();
    });

    const get = (path: string, headers: Record<string, string | undefined> = {}) => {
      const all: Record<string, string> = { 'x-request-id': randomUUID() };
      for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) delete all[k];
        else all[k] = v;
      }
      return pds.inject({ method: 'GET', url: `${PDS_BASE_PATH}/${path}`, headers: all });
    };
    const search = (query: string) => get(`Patient?${query}`);

    test('read: the person with a verified NHS number, usual name, and the registered practice for SDS', async () => {
      const requestId = randomUUID();
      const response = await get('Patient/9690937286', { 'x-request-id': requestId, 'x-correlation-id': 'corr-1' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'application/fhir+json; charset=utf-8');
      assert.deepEqual([response.headers['x-request-id'], response.headers['x-correlation-id'], response.headers['etag']], [requestId, 'corr-1', 'W/"1"']);
      const patient = response.json() as Json;
      assert.equal(patient['id'], '9690937286');
      assert.deepEqual((patient['name'] as Json[])[0]!['family'], 'SKELLY');
      assert.equal((patient['meta'] as { security: { code: string }[] }).security[0]!.code, 'U');
      assert.deepEqual(patient['generalPractitioner'], [{ type: 'Organization', identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B82617' } }]);
      const identifier = (patient['identifier'] as { value: string; extension: { valueCodeableConcept: { coding: { code: string }[] } }[] }[])[0]!;
      assert.deepEqual([identifier.value, identifier.extension[0]!.valueCodeableConcept.coding[0]!.code], ['9690937286', '01']);
    });

    test('a restricted record is labelled R and has no address, telecom or registered practice', async () => {
      const patient = (await get('Patient/9690938533')).json() as Json;
      assert.equal((patient['meta'] as { security: { code: string }[] }).security[0]!.code, 'R');
      for (const hidden of ['address', 'telecom', 'generalPractitioner']) assert.equal(hidden in patient, false, hidden);
      assert.ok(patient['birthDate']);
    });

    test('a superseded number answers with the record under the number that replaced it', async () => {
      const superseded = await store.db.selectFrom('pds_person').select(['nhs_number', 'superseded_by']).where('superseded_by', 'is not', null).executeTakeFirstOrThrow();
      const patient = (await get(`Patient/${superseded.nhs_number}`)).json() as Json;
      assert.equal(patient['id'], superseded.superseded_by);
      assert.notEqual(patient['id'], superseded.nhs_number);
    });

    test('deceased people carry their date of death', async () => {
      const patient = (await get('Patient/9690938681')).json() as Json;
      assert.match(String(patient['deceasedDateTime']), /^1993-02-17/);
    });

    test('read errors: invalid number 400, unknown 404, invalidated 404, missing or bad X-Request-ID 400', async () => {
      expectPdsError(await get('Patient/9690937287'), 'INVALID_RESOURCE_ID', 400);
      expectPdsError(await get('Patient/12345'), 'INVALID_RESOURCE_ID', 400);
      expectPdsError(await get('Patient/9999999999'), 'RESOURCE_NOT_FOUND', 404);
      expectPdsError(await get('Patient/9000000009'), 'RESOURCE_NOT_FOUND', 404);
      await store.db.updateTable('pds_person').set({ invalidated: true }).where('nhs_number', '=', '9690937375').execute();
      try {
        expectPdsError(await get('Patient/9690937375'), 'INVALIDATED_RESOURCE', 404);
      } finally {
        await store.db.updateTable('pds_person').set({ invalidated: false }).where('nhs_number', '=', '9690937375').execute();
      }
      expectPdsError(await get('Patient/9690937286', { 'x-request-id': undefined }), 'MISSING_VALUE', 400);
      expectPdsError(await get('Patient/9690937286', { 'x-request-id': 'not-a-uuid' }), 'INVALID_VALUE', 400);
    });

    test('search by family, given, gender and birth date; wildcards; ranges; postcode and practice filters', async () => {
      const entries = async (query: string) => {
        const response = await search(query);
        assert.equal(response.statusCode, 200, response.body.slice(0, 300));
        const bundle = response.json() as { resourceType: string; type: string; total: number; entry?: { fullUrl: string; search: { score: number }; resource: Json }[] };
        assert.deepEqual([bundle.resourceType, bundle.type], ['Bundle', 'searchset']);
        assert.equal(bundle.total, bundle.entry?.length ?? 0);
        return (bundle.entry ?? []).map((e) => {
          assert.equal(e.search.score, 1);
          assert.ok(e.fullUrl.endsWith(`/Patient/${e.resource['id'] as string}`));
          return e.resource['id'] as string;
        });
      };
      const skelly = await store.db.selectFrom('pds_person').select('demographics').where('nhs_number', '=', '9690937286').executeTakeFirstOrThrow();
      const birthDate = (JSON.parse(skelly.demographics) as { birthDate: string }).birthDate;
      assert.deepEqual(await entries(`family=SKELLY&birthdate=eq${birthDate}`), ['9690937286']);
      assert.deepEqual(await entries(`family=skelly&gender=male&birthdate=${birthDate}`), ['9690937286'], 'names match case-insensitively');
      assert.deepEqual(await entries(`family=SK*&birthdate=${birthDate}`), ['9690937286']);
      assert.deepEqual(await entries(`given=Horace&birthdate=ge${birthDate}&birthdate=le${birthDate}`), ['9690937286']);
      assert.deepEqual(await entries(`family=SKELLY&gender=female&birthdate=${birthDate}`), []);
      assert.deepEqual(await entries(`family=SKELLY&birthdate=${birthDate}&general-practitioner=A20047`), []);
      assert.deepEqual(await entries(`family=SKELLY&birthdate=${birthDate}&general-practitioner=B82617`), ['9690937286']);
      // Restricted people are found, but redacted as on read.
      const clay = (await search('family=CLAY&birthdate=ge1900-01-01')).json() as { entry: { resource: Json }[] };
      assert.ok(clay.entry.every((e) => !('address' in e.resource)));
    });

    test('too many matches is a 200 OperationOutcome; _max-results bounds it', async () => {
      const diagnostics = expectPdsError(await search('family=*&birthdate=ge1900-01-01'), 'INVALID_SEARCH_DATA', 400);
      assert.match(diagnostics, /wildcard/);
      expectPdsError(await search('given=*a*&birthdate=ge1900-01-01'), 'INVALID_SEARCH_DATA', 400);
      // The commonest two-letter start of a family name on PDS: more people than one result allows.
      const families = (await store.db.selectFrom('pds_person').select('demographics').execute()).map((r) => (JSON.parse(r.demographics) as { name: { family: string } }).name.family.slice(0, 2).toUpperCase());
      const counts = new Map<string, number>();
      for (const start of families) counts.set(start, (counts.get(start) ?? 0) + 1);
      const [start, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      assert.ok(count >= 2);
      expectPdsError(await search(`family=${start}*&birthdate=ge1900-01-01&_max-results=1`), 'TOO_MANY_MATCHES', 200);
      const all = (await search(`family=${start}*&birthdate=ge1900-01-01`)).json() as { total: number };
      assert.equal(all.total, count);
    });

    test('search errors: no parameters, unknown parameters, bad values, too little to go on', async () => {
      expectPdsError(await get('Patient'), 'UNSUPPORTED_SERVICE', 400);
      expectPdsError(await search('family=SKELLY&birthdate=1950-01-01&colour=blue'), 'ADDITIONAL_PROPERTIES', 400);
      expectPdsError(await search('family=SKELLY&birthdate=1950-01'), 'INVALID_VALUE', 400);
      expectPdsError(await search('family=SKELLY&birthdate=1950-01-01&gender=m'), 'INVALID_VALUE', 400);
      expectPdsError(await search('family=SKELLY&birthdate=1950-01-01&_max-results=51'), 'INVALID_VALUE', 400);
      expectPdsError(await search('family=SKELLY'), 'INVALID_SEARCH_DATA', 400);
      expectPdsError(await search('email=someone@example.com'), 'INVALID_SEARCH_DATA', 400);
      expectPdsError(await search('family=SK*&birthdate=1950-01-01&_fuzzy-match=true'), 'INVALID_SEARCH_DATA', 400);
    });
  });
}
