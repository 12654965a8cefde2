import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_SYSTEMS, EXTENSIONS, IDENTIFIER_SYSTEMS, PROFILES } from '../systems.ts';
import { validateResource } from './validate-resource.ts';
import { validationOutcome } from './validation-outcome.ts';

/** Every issue as `severity code location: message`, the profile URL suffix left out for brevity. */
const found = (resource: unknown) =>
  validateResource(resource).issues.map((i) => `${i.severity} ${i.code} ${i.location}: ${i.message.replace(/ \(https:\/\/[^)]*\)$/, '')}`);

const nhsNumber = (verificationCode = '01') => ({
  system: IDENTIFIER_SYSTEMS.nhsNumber,
  value: '9000000009',
  extension: [{ url: EXTENSIONS.nhsNumberVerificationStatus, valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.nhsNumberVerificationStatus, code: verificationCode }] } }],
});

const patient = (changes: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  meta: { profile: [PROFILES.patient] },
  identifier: [nhsNumber()],
  name: [{ use: 'official', family: 'Smith' }],
  gender: 'female',
  birthDate: '1990-01-01',
  ...changes,
});

test('a conforming Patient has no issues', () => {
  assert.deepEqual(found(patient()), []);
});

test('cardinality: a required element missing and a maximum exceeded, on backbone elements too', () => {
  const outcome = {
    resourceType: 'OperationOutcome',
    meta: { profile: [PROFILES.operationOutcome] },
    issue: [
      { severity: 'error', code: 'invalid', details: { coding: [1, 2].map(() => ({ system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1', code: 'BAD_REQUEST', display: 'Bad request' })) } },
      { code: 'invalid', details: { text: 'no coding' } },
    ],
  };
  assert.deepEqual(found(outcome), [
    'error structure OperationOutcome.issue[0].details.coding: maximum allowed = 1, but found 2',
    'error required OperationOutcome.issue[1].severity: minimum required = 1, but only found 0',
    'error code-invalid OperationOutcome.issue[1].details: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1 (required binding); found none',
    'error required OperationOutcome.issue[1].details.coding: minimum required = 1, but only found 0',
  ]);
});

test('cardinality inside extensions: a complex extension is checked against its own definition', () => {
  const registration = { url: EXTENSIONS.registrationDetails, extension: [{ url: 'registrationPeriod' }, { url: 'registrationStatus', valueCodeableConcept: { text: 'x' } }] };
  assert.deepEqual(found(patient({ extension: [registration] })), [
    "error structure Patient.extension[0].extension: slice 'registrationStatus': maximum allowed = 0, but found 1",
    'error required Patient.extension[0].extension[0].valuePeriod: minimum required = 1, but only found 0',
    'error code-invalid Patient.extension[0].extension[1].valueCodeableConcept: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-RegistrationStatus-1 (required binding); found none',
  ]);
});

test('datatypes and primitive formats: date, dateTime, instant, id, code, uri, decimal', () => {
  const observation = {
    resourceType: 'Observation',
    id: 'bad id!',
    meta: { lastUpdated: '2020-01-01T00:00:00' },
    status: 'final',
    code: { coding: [{ system: 'http://snomed.info/sct', code: 'a  b' }] },
    subject: { reference: 'Patient/1' },
    effectiveDateTime: '2020-02-30',
    issued: '2020-01-01',
    valueQuantity: { value: '5', system: 'not a uri' },
    referenceRange: [{ text: 'x', low: { value: 1 } }],
  };
  assert.deepEqual(found({ ...observation, specimen: { reference: 'Specimen/1' }, comment: 7 }), [
    'error structure Observation.id: is not a valid id (id)',
    'error structure Observation.meta.lastUpdated: is not a valid instant (instant)',
    'error structure Observation.code.coding[0].code: is not a valid code (code)',
    'error structure Observation.effectiveDateTime: is not a valid dateTime (dateTime)',
    'error structure Observation.issued: is not a valid instant (instant)',
    'error structure Observation.valueQuantity.value: must be a JSON number (decimal)',
    'error structure Observation.valueQuantity.system: is not a valid uri (uri)',
    'error structure Observation.comment: must be a JSON string (string)',
  ]);
  assert.deepEqual(found(patient({ birthDate: '1990-13-01' })), ['error structure Patient.birthDate: is not a valid date (date)']);
});

test('datatypes: a profile narrows the types of a choice element and the targets of a reference', () => {
  const observation = {
    resourceType: 'Observation',
    meta: { profile: [PROFILES.observation] },
    identifier: [{ system: 'https://example.org/obs', value: '1' }],
    status: 'final',
    code: { text: 'x' },
    subject: { reference: 'Organization/1' },
    effectivePeriod: { start: '2020-01-01' },
    issued: '2020-01-01T00:00:00Z',
    performer: [{ reference: 'Practitioner/1' }],
  };
  assert.deepEqual(found(observation), ['error structure Observation.subject.reference: refers to Organization, but must refer to Patient']);
  const { effectivePeriod: _, ...withoutEffective } = observation;
  assert.deepEqual(found({ ...withoutEffective, subject: { reference: 'Patient/1' }, effectiveInstant: '2020-01-01T00:00:00Z' }), [
    "error structure Observation.effectiveInstant: unknown element 'effectiveInstant'",
    'error structure Observation.effectiveInstant: type Instant is not allowed here, only dateTime, Period',
  ]);
});

test('fixed values: a fixed system differs', () => {
  const outcome = {
    resourceType: 'OperationOutcome',
    meta: { profile: [PROFILES.operationOutcome] },
    issue: [{ severity: 'error', code: 'invalid', details: { coding: [{ system: 'https://example.org/wrong', code: 'BAD_REQUEST', display: 'Bad request' }] } }],
  };
  assert.deepEqual(found(outcome), [
    'error code-invalid OperationOutcome.issue[0].details: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1 (required binding); found https://example.org/wrong|BAD_REQUEST',
    'error value OperationOutcome.issue[0].details.coding[0].system: must be "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1" (fixed value in https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1), found "https://example.org/wrong"',
  ]);
});

test('slicing on extension url: a required extension slice is missing', () => {
  const immunization = {
    resourceType: 'Immunization',
    meta: { profile: [PROFILES.immunization] },
    identifier: [{ system: 'https://example.org/imm', value: '1' }],
    status: 'completed',
    notGiven: false,
    vaccineCode: { coding: [{ system: 'http://snomed.info/sct', code: '1', display: 'x' }] },
    patient: { reference: 'Patient/1' },
    date: '2020-01-01',
    primarySource: true,
    extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1', valueCodeableConcept: { text: 'x' } }],
  };
  assert.ok(found(immunization).includes("error required Immunization.extension: slice 'recordedDate': minimum required = 1, but only found 0"));
});

test('slicing on identifier system: the NHS number slice allows one item, with its own required extension', () => {
  const { extension: _, ...bare } = nhsNumber();
  assert.deepEqual(found(patient({ identifier: [nhsNumber(), bare] })), [
    "error structure Patient.identifier: slice 'nhsNumber': maximum allowed = 1, but found 2",
    "error required Patient.identifier[1].extension: slice 'nhsNumberVerificationStatus': minimum required = 1, but only found 0",
  ]);
});

test('slicing on coding system and on use: open-at-end slices must come first', () => {
  const sds = 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1';
  const role = {
    resourceType: 'PractitionerRole',
    meta: { profile: [PROFILES.practitionerRole] },
    code: [{ coding: [{ system: 'https://example.org/local', code: 'a' }] }, { coding: [{ system: sds, code: 'R0260', display: 'General Medical Practitioner' }] }],
  };
  assert.deepEqual(found(role), [
    'error structure PractitionerRole.code[0]: matches none of the slices of PractitionerRole.code but comes before a sliced item; the slicing is open at the end only',
  ]);
  assert.deepEqual(found(patient({ name: [{ use: 'usual', family: 'X' }] })), ["error required Patient.name: slice 'official': minimum required = 1, but only found 0"]);
});

test('slicing: a closed slicing rejects an item that matches no slice', () => {
  const location = {
    resourceType: 'Location',
    meta: { profile: [PROFILES.location] },
    name: 'Surgery',
    physicalType: { coding: [{ system: 'https://example.org/not-a-slice', code: 'x' }] },
  };
  assert.ok(
    found(location).some((i) => i.startsWith('error structure Location.physicalType.coding[0]: matches none of the slices') && i.includes('closed')),
    found(location).join('\n'),
  );
});

test('slicing: an ordered slicing requires items in the order of the slices', () => {
  const location = {
    resourceType: 'Location',
    meta: { profile: [PROFILES.location] },
    name: 'Surgery',
    physicalType: { coding: [{ system: 'http://read.info/ctv3', code: 'x', display: 'X' }, { system: 'http://snomed.info/sct', code: 'y', display: 'Y' }] },
  };
  assert.deepEqual(found(location), [
    "error structure Location.physicalType.coding[1]: slice 'snomedCT' comes after a later slice of Location.physicalType.coding, and the slicing is ordered",
  ]);
  assert.deepEqual(found({ ...location, physicalType: { coding: [...location.physicalType.coding].reverse() } }), []);
});

test('required bindings: a code, a Coding and a CodeableConcept outside the value set are errors', () => {
  assert.deepEqual(found(patient({ gender: 'woman', identifier: [nhsNumber('99')] })), [
    'error code-invalid Patient.identifier[0].extension[0].valueCodeableConcept: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-NHSNumberVerificationStatus-1 (required binding); found https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1|99',
    'error code-invalid Patient.gender: code "woman" is not in the value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-AdministrativeGender-1 (required binding)',
  ]);
});

test('extensible and preferred bindings outside the value set are warnings, and checkConformance leaves them out', () => {
  const organization = { resourceType: 'Organization', meta: { profile: [PROFILES.organization] }, name: 'X', type: [{ coding: [{ system: 'https://example.org/x', code: 'y' }] }] };
  assert.deepEqual(found(organization), [
    'warning code-invalid Organization.type[0]: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/GPConnect-OrganisationType-1 (extensible binding); found https://example.org/x|y',
  ]);
  const organisationType = { system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1', code: 'gp-practice' };
  assert.deepEqual(found({ ...organization, type: [{ coding: [organisationType] }] }), []);
  // DeviceType-1 is a SNOMED CT subset we cannot enumerate: the system is checked, not the code.
  const device = { resourceType: 'Device', meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Device-1'] }, type: { coding: [{ system: 'https://example.org/devices', code: 'd' }] } };
  assert.ok(found(device).includes('warning code-invalid Device.type: has no coding from the value set https://fhir.nhs.uk/STU3/ValueSet/DeviceType-1 (preferred binding); found https://example.org/devices|d'), found(device).join('\n'));
  assert.ok(!found({ ...device, type: { coding: [{ system: 'http://snomed.info/sct', code: '1' }] } }).some((i) => i.includes('code-invalid')));
});

test('differential-only profiles are resolved against their base: core and differential requirements both apply', () => {
  assert.deepEqual(found({ resourceType: 'Appointment', meta: { profile: [PROFILES.appointment] } }), [
    'error required Appointment.status: minimum required = 1, but only found 0',
    'error required Appointment.description: minimum required = 1, but only found 0',
    'error required Appointment.start: minimum required = 1, but only found 0',
    'error required Appointment.end: minimum required = 1, but only found 0',
    'error required Appointment.slot: minimum required = 1, but only found 0',
    'error required Appointment.participant: minimum required = 1, but only found 0',
  ]);
  assert.deepEqual(found({ resourceType: 'Encounter', meta: { profile: [PROFILES.encounter] }, status: 'finished' }), [
    'error required Encounter.identifier: minimum required = 1, but only found 0',
    'error required Encounter.type: minimum required = 1, but only found 0',
    'error required Encounter.subject: minimum required = 1, but only found 0',
    'error required Encounter.participant: minimum required = 1, but only found 0',
  ]);
});

test('Bundle entries and contained resources are validated at their own locations', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: { resourceType: 'Organization', meta: { profile: [PROFILES.organization] }, contained: [{ ...patient(), gender: 'woman' }] } }],
  };
  assert.deepEqual(found(bundle), [
    'error required Bundle.entry[0].resource.name: minimum required = 1, but only found 0',
    'error code-invalid Bundle.entry[0].resource.contained[0].gender: code "woman" is not in the value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-AdministrativeGender-1 (required binding)',
  ]);
});

test('a resource claiming a profile of another type, or an unknown profile, is reported', () => {
  assert.deepEqual(found({ resourceType: 'Organization', name: 'X', meta: { profile: [PROFILES.patient, 'https://example.org/StructureDefinition/Other'] } }), [
    `error structure Organization: claims ${PROFILES.patient}, a profile of Patient`,
    'warning not-supported Organization: profile https://example.org/StructureDefinition/Other is not known here; checked against core STU3 only',
  ]);
});

test('every issue is collected, and reported as an STU3 OperationOutcome with FHIRPath expressions', () => {
  const { issues } = validateResource(patient({ gender: 'woman', birthDate: 'yesterday', name: [{ use: 'usual', family: 'X' }] }));
  assert.equal(issues.length, 3);
  const outcome = validationOutcome(issues);
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.deepEqual(
    outcome.issue.map((i) => [i.severity, i.code, i.expression]),
    [
      ['error', 'structure', ['Patient.birthDate']],
      ['error', 'required', ['Patient.name']],
      ['error', 'code-invalid', ['Patient.gender']],
    ],
  );
  assert.deepEqual(validationOutcome([]).issue, [{ severity: 'information', code: 'informational', diagnostics: 'No issues found' }]);
});

test('options.profiles validates the top-level resource against a profile it does not claim', () => {
  const { meta: _, ...unclaimed } = patient({ gender: 'woman' });
  assert.deepEqual(validateResource(unclaimed).issues, []);
  assert.deepEqual(
    validateResource(unclaimed, { profiles: [PROFILES.patient] }).issues.map((i) => i.location),
    ['Patient.gender'],
  );
});
