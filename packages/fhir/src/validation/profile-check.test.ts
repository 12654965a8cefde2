import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { PROFILES } from '../systems.ts';
import { checkConformance } from './profile-check.ts';
import { validateResource } from './validate-resource.ts';

const examplesDir = new URL('../__fixtures__/spec-examples/', import.meta.url);

const OLD_VERIFICATION_SYSTEM =
  'NHS number verification status coded in https://fhir.nhs.uk/CareConnect-NHSNumberVerificationStatus-1, not the STU3/CodeSystem URL the value set holds (foundations.md §1)';

/**
 * Spec examples known to be wrong, the number of errors the validator finds in each, and why.
 * Every other example must have no error; every one listed must have exactly that many, so a
 * change in behaviour (a new false positive, or a rule that stopped firing) fails here.
 */
const KNOWN_DEFECTS: Record<string, { errors: number; why: string }> = {
  'access-record-html-getcarerecord-response.json': { errors: 5, why: 'DSTU2 resources (family as an array, empty address lines, careProvider): not STU3' },
  'appointments-search-for-free-slots-response.json': { errors: 3, why: 'Location.telecom and Organization.address/telecom written as objects' },
  'appointments-unknown-visit-location.json': { errors: 1, why: 'Location.address written as an array (0..1 in STU3)' },
  'documents-search-response.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'foundations-find-patient-response.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'foundations-get-capability-statement-response.json': { errors: 1, why: 'software.releaseDate is a "[...]" placeholder, not a dateTime' },
  'foundations-read-location-response.json': { errors: 1, why: 'Location.address written as an array (0..1 in STU3)' },
  'foundations-read-patient-response.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'foundations-register-patient-request.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'foundations-register-patient-response.json': {
    errors: 2,
    why: `${OLD_VERIFICATION_SYSTEM}; registration type likewise coded in https://fhir.nhs.uk/CareConnect-RegistrationType-1`,
  },
  'pds-patient-search.json': { errors: 2, why: 'FHIR R4 (PDS), not STU3' },
  'pds-patient.json': { errors: 2, why: 'FHIR R4 (PDS), not STU3' },
  'structured-response-allergies-with-resolved.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'structured-response-consultations.json': { errors: 2, why: `Patient.generalPractitioner written as an object; ${OLD_VERIFICATION_SYSTEM}` },
  'structured-response-diary-entries.json': {
    errors: 28,
    why: 'two entries have the resource inlined without a resource wrapper; a problem header without identifier, category and asserter, with malformed dateTimes; old verification status system',
  },
  'structured-response-forwards-compat-operationoutcome.json': {
    errors: 32,
    why: 'quantities written as strings; Duration.code as an array; allergies, statements and requests without identifier; MedicationRequest.recorder refers to a PractitionerRole (the profile allows Practitioner); repeat counts as valuePositiveInt where the profile slices valueUnsignedInt',
  },
  'structured-response-immunisations.json': {
    errors: 3,
    why: `a coding system with a space in it; the date recorded extension is the GPC one, where the profile slices on the CareConnect one (recordedDate 1..1); ${OLD_VERIFICATION_SYSTEM}`,
  },
  'structured-response-investigations.json': {
    errors: 20,
    why: 'Observations without the issued element the profile requires; the Patient has no verification status extension',
  },
  'structured-response-medications.json': {
    errors: 19,
    why: 'quantities written as strings; Duration.code as an array; MedicationRequest.recorder refers to a PractitionerRole; repeat counts as valuePositiveInt',
  },
  'structured-response-problems.json': { errors: 2, why: `Patient.generalPractitioner written as an object; ${OLD_VERIFICATION_SYSTEM}` },
  'structured-response-referrals.json': { errors: 1, why: OLD_VERIFICATION_SYSTEM },
  'structured-response-uncategorised.json': { errors: 2, why: `a code with a double space; ${OLD_VERIFICATION_SYSTEM}` },
  'update-record-itk3-blood-pressure-message.json': { errors: 5, why: 'meta.profile with spaces; reason and code as objects, name as an array' },
  'update-record-itk3-pharmacy-first-message.json': { errors: 4, why: 'reason and code as objects, name and category as arrays' },
};

for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
  const example = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as { resourceType?: string };
  if (!example.resourceType) continue; // JWT header and payload examples are not resources
  const defect = KNOWN_DEFECTS[file];
  test(`spec example ${file} ${defect ? `has ${defect.errors} errors (${defect.why})` : 'conforms'}`, () => {
    const errors = validateResource(example).issues.filter((i) => i.severity === 'error');
    assert.equal(errors.length, defect?.errors ?? 0, errors.map((e) => `${e.location}: ${e.message}`).join('\n'));
    assert.deepEqual(checkConformance(example).length, errors.length);
  });
}

test('every known defect names an example that exists', () => {
  const files = new Set(readdirSync(examplesDir));
  assert.deepEqual(Object.keys(KNOWN_DEFECTS).filter((f) => !files.has(f)), []);
});

test('checkConformance gives the errors of validateResource, warnings left out, in its own shape', () => {
  const organization = {
    resourceType: 'Organization',
    meta: { profile: [PROFILES.organization] },
    type: [{ coding: [{ system: 'https://example.org/x', code: 'y' }] }],
  };
  assert.equal(validateResource(organization).issues.length, 2);
  assert.deepEqual(checkConformance(organization), [
    {
      severity: 'error',
      location: 'Organization.name',
      message: `minimum required = 1, but only found 0 (${PROFILES.organization})`,
    },
  ]);
});

test("a profile's fixed coding stands over its own binding; any other code of the bound system is still checked", () => {
  const problem = (code: string) => ({
    resourceType: 'Condition',
    meta: { profile: [PROFILES.problemHeader] },
    extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1', valueCode: 'major' }],
    identifier: [{ system: 'https://example.org/problems', value: '1' }],
    clinicalStatus: 'active',
    category: [{ coding: [{ system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1', code, display: 'Problem List Item' }] }],
    code: { coding: [{ system: 'http://snomed.info/sct', code: '59621000', display: 'Essential hypertension' }] },
    subject: { reference: 'Patient/1' },
    assertedDate: '2024-01-01',
    asserter: { reference: 'Practitioner/1' },
  });
  // The ProblemHeader fixes problem-list-item, a code its bound value set does not list.
  assert.deepEqual(checkConformance(problem('problem-list-item')), []);
  const wrong = checkConformance(problem('made-up'));
  assert.ok(wrong.some((i) => i.location === 'Condition.category[0]' && i.message.includes('value set')), JSON.stringify(wrong));
  assert.ok(wrong.some((i) => i.location === 'Condition.category[0].coding[0].code' && i.message.includes('problem-list-item')), JSON.stringify(wrong));
});
