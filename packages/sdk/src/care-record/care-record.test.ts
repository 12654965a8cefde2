import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { careRecordParameters, CareRecordResponseError, crossCheckDemographics, readCareRecord } from './care-record.ts';

type Json = Record<string, unknown>;

/** The 0.7.4 specification's example response (its custodian reference is broken: the Bundle's one Organization stands in). */
const example = JSON.parse(readFileSync(new URL('../../../fhir/src/__fixtures__/spec-examples/access-record-html-getcarerecord-response.json', import.meta.url), 'utf8')) as Json;

test("the request: NHS number, section and period in their 0.7.x systems, as in the specification's example", () => {
  const request = JSON.parse(readFileSync(new URL('../../../fhir/src/__fixtures__/spec-examples/access-record-html-getcarerecord-request.json', import.meta.url), 'utf8')) as Json;
  assert.deepEqual(careRecordParameters('9480489457', 'ALL'), request);
  assert.deepEqual((careRecordParameters('9476719931', 'ENC', { start: '2016' }) as { parameter: Json[] }).parameter[2], { name: 'timePeriod', valuePeriod: { start: '2016' } });
});

test('the answer: section, narrative, date and the demographics to cross-check', () => {
  const record = readCareRecord(example);
  assert.deepEqual(record.section, { code: 'ALL', title: 'Allergies and Sensitivities' }, 'the title as the practice gave it');
  assert.match(record.xhtml, /^<div><h1>Allergies and Adverse Reactions<\/h1>/);
  assert.equal(record.date, '2017-02-24T13:51:00+00:00');
  assert.deepEqual(record.demographics, {
    nhsNumber: '9480489457',
    family: 'Dolby',
    given: ['Ivan'],
    prefix: ['Mr'],
    gender: 'male',
    birthDate: '1923-03-02',
    deceasedDateTime: undefined,
    managingOrganisationOds: 'D82015',
    managingOrganisationName: 'BRIDGE STREET SURGERY',
  });
  assert.equal(record.bundle, example);
  assert.throws(() => readCareRecord({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient' } }] }), CareRecordResponseError);
});

test('cross-checked against PDS: agreement is silent, each difference is named', () => {
  const { demographics } = readCareRecord(example);
  const pds = {
    resourceType: 'Patient',
    name: [{ use: 'usual', family: 'DOLBY', given: ['Ivan'] }],
    gender: 'male',
    birthDate: '1923-03-02',
    generalPractitioner: [{ identifier: { value: 'D82015' } }],
  };
  assert.deepEqual(crossCheckDemographics(demographics, pds), []);
  assert.deepEqual(crossCheckDemographics({ ...demographics, deceasedDateTime: '2017-02-20T00:00:00+00:00' }, { ...pds, birthDate: '1923-03-03', deceasedDateTime: '2017-02-20T00:00:00.000Z' }), [
    'Date of birth: the practice says 1923-03-02, PDS says 1923-03-03',
  ]);
  assert.deepEqual(crossCheckDemographics(demographics, { ...pds, generalPractitioner: [], deceasedDateTime: '2017-02-01' }), [
    'Date of death: the practice says (none), PDS says 2017-02-01',
    'Registered practice: the practice says D82015, PDS says (none)',
  ]);
});
