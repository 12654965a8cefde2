import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { checkConformance } from './profile-check.ts';

const examplesDir = new URL('../__fixtures__/spec-examples/', import.meta.url);

/**
 * Spec examples known to be wrong (foundations.md §9, access-record-html.md §4), and why. Every other
 * example must pass; every one listed must still fail, so the list cannot go stale silently.
 */
const KNOWN_DEFECTS: Record<string, string> = {
  'access-record-html-getcarerecord-response.json': 'DSTU2 resources (family as an array, empty address lines): not STU3',
  'appointments-search-for-free-slots-response.json': 'Location.telecom and Organization.address/telecom written as objects',
  'appointments-unknown-visit-location.json': 'Location.address written as an array (0..1 in STU3)',
  'foundations-read-location-response.json': 'Location.address written as an array (0..1 in STU3)',
  'foundations-get-capability-statement-response.json': 'software.releaseDate is a "[...]" placeholder, not a dateTime',
  'pds-patient-search.json': 'FHIR R4 (PDS), not STU3',
  'pds-patient.json': 'FHIR R4 (PDS), not STU3',
  'structured-response-consultations.json': 'Patient.generalPractitioner written as an object',
  'structured-response-problems.json': 'Patient.generalPractitioner written as an object',
  'structured-response-diary-entries.json': 'an entry has the resource inlined without a resource wrapper',
  'structured-response-forwards-compat-operationoutcome.json': 'quantities written as strings; Duration.code as an array',
  'structured-response-medications.json': 'quantities written as strings',
  'structured-response-immunisations.json': 'a coding system with a space in it',
  'structured-response-uncategorised.json': 'a code with a double space',
  'structured-response-investigations.json': 'Observations without the issued element the profile requires',
  'update-record-itk3-blood-pressure-message.json': 'meta.profile with spaces; reason as an object',
  'update-record-itk3-pharmacy-first-message.json': 'reason and code as objects, name as an array',
};

for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
  const example = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as { resourceType?: string };
  if (!example.resourceType) continue; // JWT header and payload examples are not resources
  test(`spec example ${file} ${KNOWN_DEFECTS[file] ? `is rejected (${KNOWN_DEFECTS[file]})` : 'conforms'}`, () => {
    const issues = checkConformance(example);
    if (KNOWN_DEFECTS[file]) assert.notDeepEqual(issues, []);
    else assert.deepEqual(issues, []);
  });
}

test('required elements, maximum cardinality and fixed values of the claimed profile are enforced', () => {
  const outcome = {
    resourceType: 'OperationOutcome',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1'] },
    issue: [
      { severity: 'error', code: 'invalid', details: { coding: [{ system: 'https://example.org/wrong', code: 'BAD_REQUEST', display: 'Bad request' }, { system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1', code: 'X', display: 'X' }] } },
      { code: 'invalid', details: { text: 'no coding' } },
    ],
  };
  const found = checkConformance(outcome).map((i) => `${i.location}: ${i.message}`);
  assert.deepEqual(found, [
    'OperationOutcome.issue[1].severity: required by https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1 (min 1), missing',
    'OperationOutcome.issue[0].details.coding: https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1 allows at most 1, found 2',
    'OperationOutcome.issue[1].details.coding: required by https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1 (min 1), missing',
    'OperationOutcome.issue[0].details.coding[0].system: must be "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1" (fixedUri in https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1), found "https://example.org/wrong"',
  ]);
});

test('Bundle entries are checked against their own claimed profiles', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [{ resource: { resourceType: 'Organization', meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1'] } } }],
  };
  assert.deepEqual(
    checkConformance(bundle).map((i) => i.location),
    ['Bundle.entry[0].resource.name'],
  );
});
