import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATION_DEFINITIONS, PROFILES } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { expectOperationOutcome, expectResource, startProvider, type ProviderUnderTest } from '../test-support.ts';

interface Statement {
  version: string;
  fhirVersion: string;
  format: string[];
  profile?: { reference: string }[];
  rest: { mode: string; resource?: { type: string }[]; operation?: { name: string; definition: { reference: string } }[] }[];
}

for (const backend of testStoreBackends()) {
  describe(`general.md §8 CapabilityStatements (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    test('the Foundations and Appointments root declares its resources, register operation and every profile the suite checks', async () => {
      const statement = expectResource<Statement>(await provider.send('metadata'), 'CapabilityStatement');
      assert.equal(statement.version, '1.2.9');
      assert.equal(statement.fhirVersion, '3.0.1');
      assert.deepEqual(statement.format, ['application/fhir+json', 'application/fhir+xml']);
      const profiles = statement.profile?.map((p) => p.reference) ?? [];
      const required = ['patient', 'organization', 'practitioner', 'practitionerRole', 'location', 'operationOutcome', 'appointment', 'schedule', 'slot', 'allergyIntolerance', 'medication', 'medicationStatement', 'medicationRequest', 'list', 'structuredRecordBundle', 'immunization', 'problemHeader', 'encounter', 'observation', 'diagnosticReport', 'specimen', 'procedureRequest', 'referralRequest'] as const;
      for (const name of required) assert.ok(profiles.includes(PROFILES[name]), `${PROFILES[name]} is listed`);
      assert.deepEqual(statement.rest[0]?.resource?.map((r) => r.type), ['Patient', 'Organization', 'Practitioner', 'Location', 'Appointment', 'Slot']);
      assert.deepEqual(statement.rest[0]?.operation, [
        { name: 'gpc.registerpatient', definition: { reference: OPERATION_DEFINITIONS.registerPatient } },
        { name: 'gpc.getstructuredrecord', definition: { reference: `${OPERATION_DEFINITIONS.getStructuredRecord}/_history/1.15` } },
      ]);
    });

    test('the structured root declares the structured operations at its own version', async () => {
      const statement = expectResource<Statement>(await provider.send('structuredMetadata'), 'CapabilityStatement');
      assert.equal(statement.version, '1.6.0');
      assert.deepEqual(statement.rest[0]?.operation?.map((o) => o.name), ['gpc.getstructuredrecord', 'gpc.migratestructuredrecord']);
      assert.equal(statement.rest[0]?.operation?.[0]?.definition.reference, `${OPERATION_DEFINITIONS.getStructuredRecord}/_history/1.16`);
    });

    test('the documents root declares Patient search, DocumentReference search and Binary read', async () => {
      const statement = expectResource<Statement>(await provider.send('documentsMetadata'), 'CapabilityStatement');
      assert.deepEqual(statement.rest[0]?.resource?.map((r) => r.type), ['Patient', 'DocumentReference', 'Binary']);
    });

    test('the DSTU2 root answers with a Conformance in the DSTU2 media type', async () => {
      const response = await provider.send('htmlMetadata');
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/json+fhir;charset=utf-8');
      const conformance = response.json() as Statement & { resourceType: string };
      assert.equal(conformance.resourceType, 'Conformance');
      assert.equal(conformance.fhirVersion, '1.0.2');
      assert.deepEqual(conformance.rest[0]?.operation?.map((o) => o.name), ['gpc.getcarerecord']);
    });

    test('a metadata interaction ID on another root is rejected', async () => {
      expectOperationOutcome(await provider.send('metadata', { path: 'structured/metadata' }), 'BAD_REQUEST');
    });

    test('DSTU2 errors use the DSTU2 OperationOutcome dialect', async () => {
      const response = await provider.send('htmlMetadata', { headers: { 'ssp-to': '1' } });
      expectOperationOutcome(response, 'BAD_REQUEST', { dialect: 'dstu2' });
      assert.match(response.body, /gpconnect-operationoutcome-1/);
    });
  });
}
