import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { gunzipSync } from 'node:zlib';
import { findPatientById, queryAuditEvents, setPracticeCapabilities, insertPractice, sql } from '@gpconnect/store';
import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { expectOperationOutcome, expectResource, NOW_SECONDS, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { base64url, gpconnectHeaders, jwtClaims, unsecuredJwt } from '../testing/consumer-request.ts';

const SEARCH_PATIENT_1 = `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|9690937278`;

for (const backend of testStoreBackends()) {
  describe(`general.md rules through the pipeline (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    describe('§2 SSP headers', () => {
      for (const header of ['Ssp-TraceID', 'Ssp-From', 'Ssp-To', 'Ssp-InteractionID', 'Authorization']) {
        test(`a request without ${header} is 400 BAD_REQUEST`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { [header]: undefined } }), 'BAD_REQUEST');
        });
        test(`a request with an empty ${header} is 400 BAD_REQUEST`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { [header]: '' } }), 'BAD_REQUEST');
        });
      }

      test('Ssp-To must be the ASID of the addressed practice', async () => {
        const diagnostics = expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', toAsid: '200000000359' }), 'BAD_REQUEST');
        assert.match(diagnostics ?? '', /Ssp-To/);
      });

      test('Ssp-InteractionID must match the method and path (a read ID on a search is rejected)', async () => {
        const readId = 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1';
        expectOperationOutcome(await provider.send('searchPatients', { path: SEARCH_PATIENT_1, headers: { 'Ssp-InteractionID': readId } }), 'BAD_REQUEST');
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { 'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:rest:read:Patient-1' } }), 'BAD_REQUEST');
      });

      test('a valid request passes every check and is served', async () => {
        const patient = expectResource(await provider.send('readPatient', { path: 'Patient/1' }), 'Patient');
        assert.equal(patient['id'], '1');
      });
    });

    describe('§3 JWT', () => {
      const claims = jwtClaims('readPatient', NOW_SECONDS);
      const rejected = (name: string, change: Record<string, unknown>) =>
        test(`${name} is 400 BAD_REQUEST`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', claims: change }), 'BAD_REQUEST');
        });
      for (const claim of ['iss', 'aud', 'exp', 'iat', 'reason_for_request', 'requested_scope', 'requesting_device', 'requesting_organization', 'requesting_practitioner', 'sub']) {
        rejected(`a token without ${claim}`, { [claim]: undefined });
        rejected(`a token with an empty ${claim}`, { [claim]: '' });
      }
      rejected('exp = iat + 299', { exp: NOW_SECONDS + 299 });
      rejected('exp = iat + 301', { exp: NOW_SECONDS + 301 });
      rejected('exp before iat', { exp: NOW_SECONDS - 300 });
      rejected('an expired token (issued 600 s ago)', { iat: NOW_SECONDS - 600, exp: NOW_SECONDS - 300 });
      rejected('exp as a string', { exp: String(NOW_SECONDS + 300) });
      rejected('reason_for_request other than directcare', { reason_for_request: 'migration' });
      rejected('an unknown requested_scope', { requested_scope: 'badScope' });
      rejected('a scope wrong for the interaction', { requested_scope: 'organization/*.read' });
      rejected('conf/R outside the migrate interactions', { requested_scope: 'patient/*.read conf/R' });
      rejected('sub different from requesting_practitioner.id', { sub: 'someone-else' });
      rejected('a requesting_organization without an ODS code', { requesting_organization: { resourceType: 'Organization', name: 'No code' } });
      rejected('a requesting_practitioner without an SDS user id', {
        requesting_practitioner: { resourceType: 'Practitioner', id: '10019', name: [{ family: 'Jones' }], identifier: [{ system: 'https://x/Id/user', value: '1' }] },
      });
      rejected('a requesting_practitioner without a family name', {
        requesting_practitioner: { resourceType: 'Practitioner', id: '10019', name: [{ given: ['Claire'] }], identifier: [{ system: IDENTIFIER_SYSTEMS.sdsUserId, value: 'UNK' }] },
      });

      const invalidResource = (name: string, change: Record<string, unknown>) =>
        test(`${name} is 422 INVALID_RESOURCE`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', claims: change }), 'INVALID_RESOURCE');
        });
      invalidResource('a requesting_device of the wrong resourceType', { requesting_device: { ...(claims['requesting_device'] as object), resourceType: 'Patient' } });
      invalidResource('a requesting_organization of the wrong resourceType', { requesting_organization: { ...(claims['requesting_organization'] as object), resourceType: 'Device' } });
      invalidResource('a requesting_practitioner with an unknown element', { requesting_practitioner: { ...(claims['requesting_practitioner'] as object), nickname: 'CJ' } });
      invalidResource('a requesting_device with an unknown element', { requesting_device: { ...(claims['requesting_device'] as object), colour: 'grey' } });
      invalidResource('a requesting_organization with an unknown element', { requesting_organization: { ...(claims['requesting_organization'] as object), motto: 'care' } });
      invalidResource('a requesting_practitioner of the wrong resourceType', { requesting_practitioner: { ...(claims['requesting_practitioner'] as object), resourceType: 'Person' } });

      test('a claim resource accepted before is checked afresh when anything in it changes', async () => {
        const practitioner = claims['requesting_practitioner'] as Record<string, unknown>;
        expectResource(await provider.send('readPatient', { path: 'Patient/1', claims: { requesting_practitioner: practitioner } }), 'Patient');
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', claims: { requesting_practitioner: { ...practitioner, favouriteColour: 'teal' } } }), 'INVALID_RESOURCE');
        expectResource(await provider.send('readPatient', { path: 'Patient/1', claims: { requesting_practitioner: practitioner } }), 'Patient');
      });

      test('a token issued in the future is accepted (clock skew)', async () => {
        expectResource(await provider.send('readPatient', { path: 'Patient/1', claims: { iat: NOW_SECONDS + 200, exp: NOW_SECONDS + 500 } }), 'Patient');
      });
      test('UNK identifiers, a missing role profile and the legacy ODS system are accepted', async () => {
        expectResource(
          await provider.send('readPatient', {
            path: 'Patient/1',
            claims: {
              requesting_practitioner: { resourceType: 'Practitioner', id: '10019', name: [{ family: 'Jones' }], identifier: [{ system: IDENTIFIER_SYSTEMS.sdsUserId, value: 'UNK' }] },
              requesting_organization: { resourceType: 'Organization', name: 'Legacy', identifier: [{ system: IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy, value: 'A20047' }] },
            },
          }),
          'Patient',
        );
      });
      for (const [name, authorization] of [
        ['not Bearer', `Basic ${unsecuredJwt(claims)}`],
        ['two parts', `Bearer ${base64url({ alg: 'none' })}.${base64url(claims)}`],
        ['not base64url', 'Bearer !!!.***.'],
        ['a payload that is not JSON', `Bearer ${base64url({ alg: 'none' })}.${base64url('not json')}.`],
      ] as const) {
        test(`an Authorization header with ${name} is 400 BAD_REQUEST`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { authorization } }), 'BAD_REQUEST');
        });
      }
    });

    describe('§4 content negotiation', () => {
      test('_format wins over Accept', async () => {
        expectResource(await provider.send('readPatient', { path: 'Patient/1?_format=application/fhir+json', headers: { accept: 'application/fhir+xml' } }), 'Patient');
      });
      test('_format=xml wins over Accept JSON; Accept XML gives XML (every interaction: xml-format.test.ts)', async () => {
        expectResource(await provider.send('readPatient', { path: 'Patient/1?_format=xml', headers: { accept: 'application/fhir+json' } }), 'Patient', 200, 'xml');
        expectResource(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: 'application/fhir+xml' } }), 'Patient', 200, 'xml');
      });
      test('a format we do not write is 415', async () => {
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1?_format=text/plain' }), 'UNSUPPORTED_MEDIA_TYPE');
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: 'text/plain' } }), 'UNSUPPORTED_MEDIA_TYPE');
      });
      test('no Accept header gives JSON', async () => {
        expectResource(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: undefined } }), 'Patient');
      });
      test('a POST body that is not JSON is 400 BAD_REQUEST; one in an unsupported media type is 415', async () => {
        expectOperationOutcome(await provider.send('registerPatient', { body: '{"resourceType": "Parameters",' }), 'BAD_REQUEST');
        expectOperationOutcome(await provider.send('registerPatient', { body: '<Parameters/>', headers: { 'content-type': 'text/plain' } }), 'UNSUPPORTED_MEDIA_TYPE');
        expectOperationOutcome(await provider.send('registerPatient', { body: '' }), 'BAD_REQUEST');
      });
      test('responses are gzipped when the client accepts it', async () => {
        const response = await provider.send('metadata', { headers: { 'accept-encoding': 'gzip' } });
        assert.equal(response.headers['content-encoding'], 'gzip');
        assert.equal(JSON.parse(gunzipSync(response.rawPayload).toString('utf8')).resourceType, 'CapabilityStatement');
        assert.equal(response.headers['cache-control'], 'no-store');
      });
    });

    describe('§1 and §5 routing and statuses', () => {
      test('an unknown path is 404 NO_RECORD_FOUND as an OperationOutcome', async () => {
        expectOperationOutcome(await provider.send('metadata', { path: 'Metadata' }), 'NO_RECORD_FOUND');
        expectOperationOutcome(await provider.send('metadata', { path: 'metadatas' }), 'NO_RECORD_FOUND');
        expectOperationOutcome(await provider.send('metadata', { path: 'metadata/' }), 'NO_RECORD_FOUND');
      });
      test('an ODS code the deployment does not serve is 404 NO_RECORD_FOUND', async () => {
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', ods: 'Z99999' }), 'NO_RECORD_FOUND');
      });
      for (const method of ['DELETE', 'PATCH', 'OPTIONS', 'PUT', 'POST']) {
        test(`${method} on metadata is 405 with Allow: GET`, async () => {
          const response = await provider.send('metadata', { method });
          expectOperationOutcome(response, 'METHOD_NOT_ALLOWED');
          assert.equal(response.headers['allow'], 'GET');
        });
      }
      test('the DSTU2 service root answers in the 0.7.x error dialect, scope checked against the interaction', async () => {
        const body = { resourceType: 'Parameters', parameter: [] };
        expectOperationOutcome(await provider.send('getCareRecord', { body, claims: { requested_scope: 'organization/*.read' } }), 'BAD_REQUEST', { dialect: 'dstu2' });
      });
    });

    describe('per-practice capability switches', () => {
      test('a switched-off capability is 403 ACCESS DENIED; switching it on again restores service', async () => {
        await setPracticeCapabilities(provider.store.db, PRACTICE.ods, ['appointments']);
        try {
          const diagnostics = expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1' }), 'ACCESS_DENIED');
          assert.match(diagnostics ?? '', /foundations/);
        } finally {
          await setPracticeCapabilities(provider.store.db, PRACTICE.ods, ['foundations', 'appointments', 'structured', 'documents', 'html', 'update-record']);
        }
        expectResource(await provider.send('readPatient', { path: 'Patient/1' }), 'Patient');
      });
    });

    describe('many practices in one deployment', () => {
      test('the ODS code in the path selects the practice, its ASID and its data', async () => {
        await insertPractice(provider.store.db, { odsCode: 'A99999', name: 'Second practice', asid: '918999198999', capabilities: ['foundations'], organisationId: '1' });
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', ods: 'A99999' }), 'BAD_REQUEST');
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', ods: 'A99999', toAsid: '918999198999' }), 'PATIENT_NOT_FOUND');
        expectResource(await provider.send('metadata', { ods: 'A99999', toAsid: '918999198999' }), 'CapabilityStatement');
      });
    });

    describe('§12 audit', () => {
      test('accepted and rejected requests are both audited with who asked, about whom, and the outcome', async () => {
        await provider.send('searchPatients', { path: SEARCH_PATIENT_1, headers: { 'ssp-traceid': 'audit-ok' } });
        await provider.send('readPatient', { path: 'Patient/1', headers: { 'ssp-traceid': 'audit-rejected' }, claims: { requested_scope: 'patient/*.write' } });
        await provider.send('metadata', { path: 'nowhere', headers: { 'ssp-traceid': 'audit-404' } });
        const [ok] = await queryAuditEvents(provider.store.db, { traceId: 'audit-ok' });
        assert.ok(ok);
        assert.equal(ok.practice_ods, PRACTICE.ods);
        assert.equal(ok.interaction, 'searchPatients');
        assert.equal(ok.outcome_code, 'OK');
        assert.equal(ok.http_status, 200);
        assert.equal(ok.patient_nhs_number, '9690937278');
        assert.equal(ok.from_asid, '200000000359');
        assert.equal(ok.to_asid, PRACTICE.asid);
        assert.equal(ok.requesting_org_ods, 'A20047');
        assert.equal(ok.practitioner_id, '10019');
        assert.equal(ok.practitioner_name, 'Claire Jones');
        assert.equal(ok.sds_user_id, '111222333444');
        assert.equal(ok.role_profile_id, '444555666777');
        assert.match(ok.requesting_device ?? '', /CONS-APP-4/);
        assert.ok(ok.duration_ms >= 0);
        assert.equal(ok.path, '/B82617/STU3/1/gpconnect/Patient', 'the query string (an NHS number) is not kept in the path');
        const [rejected] = await queryAuditEvents(provider.store.db, { traceId: 'audit-rejected' });
        assert.deepEqual([rejected?.outcome_code, rejected?.http_status, rejected?.interaction], ['BAD_REQUEST', 400, 'readPatient']);
        const [notFound] = await queryAuditEvents(provider.store.db, { traceId: 'audit-404' });
        assert.deepEqual([notFound?.outcome_code, notFound?.http_status], ['NO_RECORD_FOUND', 404]);
      });
      test('audit sequence numbers increase in the order requests were answered', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => provider.send('metadata', { headers: { 'ssp-traceid': `burst-${i}` } })));
        const events = await queryAuditEvents(provider.store.db, { limit: 20 });
        assert.equal(events.filter((e) => e.trace_id?.startsWith('burst-')).length, 20);
        assert.deepEqual(events.map((e) => e.seq), [...events.map((e) => e.seq)].sort((a, b) => b - a));
      });
    });
  });

  describe(`process logs (${backend.name})`, () => {
    test('request logs and error logs carry no patient data: no NHS number, no query string', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      const provider = await startProvider(backend, { logger });
      try {
        expectResource(await provider.send('searchPatients', { path: SEARCH_PATIENT_1 }), 'Bundle');
        await sql`alter table patient rename to patient_gone`.execute(provider.store.db);
        expectOperationOutcome(await provider.send('searchPatients', { path: SEARCH_PATIENT_1 }), 'INTERNAL_SERVER_ERROR');
      } finally {
        await provider.close();
      }
      const log = lines.join('');
      assert.match(log, /request completed/, 'requests were logged');
      assert.match(log, /unexpected error/, 'the failure was logged');
      assert.doesNotMatch(log, /9690937278|identifier=/);
    });
  });

  describe(`the validateResponses setting (${backend.name})`, () => {
    test('a response that breaks its profile is still served, and is logged (locations, not values) and counted', async () => {
      const lines: string[] = [];
      const provider = await startProvider(backend, { logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }) });
      try {
        const row = await findPatientById(provider.store.db, PRACTICE.ods, '1');
        const resource = JSON.parse(row!.resource) as { address?: Record<string, unknown>[] };
        resource.address = [{ use: 'home', line: ['1 Road'], state: 'Zanzibar' }];
        await sql`update patient set resource = ${JSON.stringify(resource)} where practice_ods = ${PRACTICE.ods} and id = '1'`.execute(provider.store.db);
        const response = await provider.app.inject({ method: 'GET', url: `/${PRACTICE.ods}/STU3/1/gpconnect/Patient/1`, headers: gpconnectHeaders('readPatient', { toAsid: PRACTICE.asid, now: NOW_SECONDS }) });
        assert.equal(response.statusCode, 200);
        const validation = provider.app.responseValidation!;
        assert.deepEqual(validation.violations.map((v) => [v.interaction, v.path, v.issues.map((i) => i.location)]), [['readPatient', `/${PRACTICE.ods}/STU3/1/gpconnect/Patient/1`, ['Patient.address[0].state']]]);
        assert.equal(validation.checked, 1);
        const log = lines.join('');
        assert.match(log, /response violates its profile/);
        assert.match(log, /Patient\.address\[0\]\.state/);
        assert.doesNotMatch(log, /Zanzibar/, 'the offending value is not logged');
        validation.violations.splice(0); // seen and asserted: the suite's close check is for unexpected ones
      } finally {
        await provider.close();
      }
    });
  });

  describe(`failures inside the provider (${backend.name})`, () => {
    test('an unexpected failure is 500 INTERNAL_SERVER_ERROR with no stack trace or database message', async () => {
      const provider = await startProvider(backend);
      try {
        await sql`alter table patient rename to patient_gone`.execute(provider.store.db);
        const response = await provider.send('readPatient', { path: 'Patient/1' });
        const diagnostics = expectOperationOutcome(response, 'INTERNAL_SERVER_ERROR');
        assert.doesNotMatch(diagnostics ?? '', /patient|relation/i);
        const [event] = await queryAuditEvents(provider.store.db, { limit: 1 });
        assert.deepEqual([event?.outcome_code, event?.http_status], ['INTERNAL_SERVER_ERROR', 500]);
      } finally {
        await provider.close();
      }
    });
    test('a request that cannot be audited is not answered with data', async () => {
      const provider = await startProvider(backend);
      try {
        await sql`alter table audit_event rename to audit_gone`.execute(provider.store.db);
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1' }), 'INTERNAL_SERVER_ERROR');
        await sql`alter table audit_gone rename to audit_event`.execute(provider.store.db);
      } finally {
        await provider.close();
      }
    });
  });
}
