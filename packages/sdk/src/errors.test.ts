import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOperationOutcome, SPINE_ERRORS } from '@gpconnect/fhir';
import { requestError } from './errors.ts';

test('the Spine code comes from a 1.x and a 0.7.x OperationOutcome alike', () => {
  for (const dialect of ['stu3', 'dstu2'] as const) {
    const error = requestError(403, buildOperationOutcome(SPINE_ERRORS.NO_PATIENT_CONSENT, 'dissent', dialect), 'provider');
    assert.deepEqual([error.status, error.spineCode, error.diagnostics], [403, 'NO_PATIENT_CONSENT', 'dissent'], dialect);
  }
});

test('the Spine coding is found among others; the proxy gives its reason as display; other services their first code', () => {
  const withOthers = { resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ system: 'https://example.org/local', code: 'X1' }, { system: 'http://fhir.nhs.net/ValueSet/gpconnect-error-or-warning-code-1', code: 'PATIENT_NOT_FOUND' }] } }] };
  assert.equal(requestError(404, withOthers, 'provider').spineCode, 'PATIENT_NOT_FOUND');
  const proxy = { resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ system: 'http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0', code: '403', display: 'ASID_CHECK_FAILED_MESSAGESENDER_1' }] } }] };
  assert.equal(requestError(403, proxy, 'provider').spineCode, 'ASID_CHECK_FAILED_MESSAGESENDER_1');
  const pds = { resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code: 'RESOURCE_NOT_FOUND' }] } }] };
  assert.equal(requestError(404, pds, 'pds').spineCode, 'RESOURCE_NOT_FOUND');
  assert.equal(requestError(502, undefined, 'provider').spineCode, undefined);
});
