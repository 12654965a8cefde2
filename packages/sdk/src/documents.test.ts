import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { documentSearchQuery, readDocuments } from './documents.ts';

const example = JSON.parse(readFileSync(new URL('../../fhir/src/__fixtures__/spec-examples/documents-search-response.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test("reading the specification's document search response: the summary a clinician scans, the author resolved from the Bundle", () => {
  const [document, ...rest] = readDocuments(example);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    { ...document!, resource: undefined },
    {
      id: '27863182736',
      type: 'Inpatient final discharge letter',
      description: 'Discharge Summary',
      created: '2019-06-24T09:35:00+11:00',
      indexed: '2019-07-02T09:43:41+11:00',
      author: 'The Trevelyan Practice',
      contentType: 'application/msword',
      size: 3654,
      binaryUrl: 'http://exampleGPSystem.co.uk/GP0001/STU3/1/gpconnect-documents/Binary/07a6483f-732b-461e-86b6-edb665c45510',
      title: undefined,
      resource: undefined,
    },
  );
});

test('a search asks for every mandatory include and only the filters given', () => {
  const query = new URLSearchParams(documentSearchQuery({ createdFrom: '2024-01-01', author: 'R1A14' }));
  assert.deepEqual(query.getAll('_include'), ['DocumentReference:subject:Patient', 'DocumentReference:custodian:Organization', 'DocumentReference:author:Organization', 'DocumentReference:author:Practitioner']);
  assert.deepEqual(query.getAll('_revinclude:recurse'), ['PractitionerRole:practitioner']);
  assert.deepEqual([query.getAll('created'), query.get('author'), query.has('description')], [['ge2024-01-01'], 'https://fhir.nhs.uk/Id/ods-organization-code|R1A14', false]);
});
