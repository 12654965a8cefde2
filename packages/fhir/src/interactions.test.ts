import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERACTIONS, interactionById, interaction, acceptsInteractionId } from './interactions.ts';

test('interaction IDs are unique and follow the GP Connect naming pattern (general.md §9)', () => {
  const ids = INTERACTIONS.map((i) => i.interactionId);
  assert.equal(new Set(ids).size, ids.length);
  for (const i of INTERACTIONS) {
    assert.match(i.interactionId, /^urn:nhs:names:services:gpconnect(:structured|:documents)?:fhir:(rest|operation):[a-z._]+(:[a-z_]+)?(-1)?$/, i.name);
  }
});

test('only Access Record HTML interaction IDs lack the -1 suffix, and both spellings resolve', () => {
  for (const i of INTERACTIONS) assert.equal(i.interactionId.endsWith('-1'), i.serviceRoot !== 'html', i.name);
  assert.equal(interactionById('urn:nhs:names:services:gpconnect:fhir:operation:gpc.getcarerecord-1')?.name, 'getCareRecord');
  assert.equal(interactionById('urn:nhs:names:services:gpconnect:fhir:operation:gpc.getcarerecord')?.name, 'getCareRecord');
});

test('scopes follow general.md §10', () => {
  assert.equal(interaction('registerPatient').scope, 'patient/*.write');
  assert.equal(interaction('searchPatientAppointments').scope, 'patient/*.read');
  assert.equal(interaction('searchFreeSlots').scope, 'organization/*.read');
  assert.equal(interaction('metadata').scope, 'organization/*.read');
  assert.deepEqual(interaction('migrateStructuredRecord').reasons, ['migration']);
});

test('lookups are exact and case-sensitive', () => {
  assert.equal(interactionById('urn:nhs:names:services:gpconnect:fhir:rest:read:Patient-1'), undefined);
  assert.equal(interactionById(''), undefined);
});

test('the suffixed HTML metadata ID stays the Foundations one, while each URL accepts its own spellings', () => {
  assert.equal(interactionById('urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1')?.name, 'metadata');
  assert.equal(acceptsInteractionId(interaction('htmlMetadata'), 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1'), true);
  assert.equal(acceptsInteractionId(interaction('htmlMetadata'), 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata'), true);
  assert.equal(acceptsInteractionId(interaction('metadata'), 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata'), false);
  assert.equal(acceptsInteractionId(interaction('readPatient'), 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1-1'), false);
});
