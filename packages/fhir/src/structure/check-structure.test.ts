import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructure } from './check-structure.ts';

const messages = (value: unknown, options?: Parameters<typeof checkStructure>[1]) =>
  checkStructure(value, options).map((i) => `${i.location}: ${i.message}`);

test('a well-formed Device from a JWT claim passes', () => {
  assert.deepEqual(messages({ resourceType: 'Device', identifier: [{ system: 'GPConnectTestSystem', value: 'Client' }], model: 'v1', version: '1.1' }), []);
});

test('an unknown element is reported with its location (JWT "invalid Device")', () => {
  assert.deepEqual(messages({ resourceType: 'Device', model: 'v1', invalidField: 'Assurance Testing' }), [
    "Device.invalidField: unknown element 'invalidField'",
  ]);
});

test('resourceType must exist and match the expected type', () => {
  assert.deepEqual(messages({ resourceType: 'InvalidResourceType' }), ['Resource: resourceType "InvalidResourceType" is not a resource type']);
  assert.deepEqual(messages({ resourceType: 'Patient' }, { expectedType: 'Device' }), ['Device: resourceType must be Device, found Patient']);
  assert.equal(messages([], {}).length, 1);
});

test('repetition, primitive types and formats are checked, and every issue is collected', () => {
  const issues = messages({
    resourceType: 'Patient',
    name: { family: 'X' },
    birthDate: '1990-02-30',
    gender: 3,
    active: 'yes',
    identifier: [{ system: 'has space', value: '' }],
    address: [],
    telecom: [{}],
  });
  assert.deepEqual(issues, [
    'Patient.name: repeats, so must be a JSON array',
    'Patient.birthDate: is not a valid date (date)',
    'Patient.gender: must be a JSON string (code)',
    'Patient.active: must be a JSON boolean (boolean)',
    'Patient.identifier[0].system: is not a valid uri (uri)',
    'Patient.identifier[0].value: must not be empty (string)',
    'Patient.address: must not be an empty array',
    'Patient.telecom[0]: must not be an empty object',
  ]);
});

test('backbone elements, choice types, extensions and contained resources are followed', () => {
  assert.deepEqual(
    messages({
      resourceType: 'Patient',
      contact: [{ relationship: [{ text: 'Wife' }], bogus: 1 }],
      deceasedDateTime: '2019-01-01T10:00:00+00:00',
      deceasedString: 'x',
      extension: [{ url: 'https://example.org/x', valueBoolean: true, extension: [{ url: 'a', valueDate: '2019-13-01' }] }],
      contained: [{ resourceType: 'Organization', name: 'A', nope: true }],
    }),
    [
      "Patient.contact[0].bogus: unknown element 'bogus'",
      "Patient.deceasedString: unknown element 'deceasedString'",
      'Patient.extension[0].extension[0].valueDate: is not a valid date (date)',
      "Patient.contained[0].nope: unknown element 'nope'",
    ],
  );
});

test('primitive companions carry only id and extension, beside primitives', () => {
  assert.deepEqual(messages({ resourceType: 'Patient', birthDate: '1990-01-01', _birthDate: { extension: [{ url: 'u', valueString: 's' }] } }), []);
  assert.deepEqual(messages({ resourceType: 'Patient', _name: { id: 'x' } }), ["Patient._name: '_name' is only allowed beside a primitive element"]);
  assert.deepEqual(messages({ resourceType: 'Patient', _gender: { value: 'x' } }), ["Patient._gender.value: unknown element 'value'"]);
});

test('the DSTU2 model applies to 0.7.x resources', () => {
  const dstu2Practitioner = { resourceType: 'Practitioner', id: '1', name: { family: ['A'], given: ['B'] }, practitionerRole: [{ role: { text: 'x' } }] };
  assert.deepEqual(messages(dstu2Practitioner, { release: 'dstu2' }), []);
  assert.notDeepEqual(messages(dstu2Practitioner), []);
});

test('base64Binary: megabytes of content are checked in linear time; bad characters and lengths are reported', () => {
  const binary = (content: string) => checkStructure({ resourceType: 'Binary', contentType: 'application/pdf', content }).map((i) => i.location);
  assert.deepEqual(binary(Buffer.alloc(8 * 1024 * 1024, 7).toString('base64')), []);
  assert.deepEqual(binary('aGVs\nbG8='), []);
  assert.deepEqual(binary('aGVsbG8'), ['Binary.content']);
  assert.deepEqual(binary('aGV*bG8='), ['Binary.content']);
  assert.deepEqual(binary('a=Vs'), ['Binary.content']);
});
