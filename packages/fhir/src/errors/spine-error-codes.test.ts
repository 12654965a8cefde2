import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { SPINE_ERRORS, GpConnectError } from './spine-error-codes.ts';
import { buildOperationOutcome } from './operation-outcome.ts';
import { checkConformance } from '../validation/profile-check.ts';

const codeSystem = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (_n, _p, _l, isAttribute) => !isAttribute }).parse(
  readFileSync(new URL('../../assets/stu3/CodeSystems/CodeSystem-Spine-ErrorOrWarningCode-1.xml', import.meta.url), 'utf8'),
) as { CodeSystem: [{ concept: { code: [{ value: string }]; display: [{ value: string }] }[] }] };
const displays = new Map(codeSystem.CodeSystem[0].concept.map((c) => [c.code[0].value, c.display[0].value]));

test('every catalogued code and display is spelled as in CodeSystem Spine-ErrorOrWarningCode-1', () => {
  for (const [name, definition] of Object.entries(SPINE_ERRORS)) {
    assert.equal(displays.get(definition.code), definition.display, name);
  }
});

test('statuses follow the GP Connect error table (general.md §7)', () => {
  const expected: Record<string, number> = {
    BAD_REQUEST: 400, INVALID_NHS_NUMBER: 400, INVALID_IDENTIFIER_SYSTEM: 400, INVALID_PATIENT_DEMOGRAPHICS: 400,
    NO_PATIENT_CONSENT: 403, ACCESS_DENIED: 403, PATIENT_NOT_FOUND: 404, ORGANISATION_NOT_FOUND: 404,
    PRACTITIONER_NOT_FOUND: 404, NO_RECORD_FOUND: 404, DUPLICATE_REJECTED: 409, INVALID_RESOURCE: 422,
    INVALID_PARAMETER: 422, REFERENCE_NOT_FOUND: 422, INTERNAL_SERVER_ERROR: 500, NOT_IMPLEMENTED: 501,
  };
  for (const [name, status] of Object.entries(expected)) {
    assert.equal(SPINE_ERRORS[name as keyof typeof SPINE_ERRORS].httpStatus, status, name);
  }
  assert.equal(SPINE_ERRORS.ACCESS_DENIED.code, 'ACCESS DENIED');
});

test('every catalogued error renders an OperationOutcome that conforms to GPConnect-OperationOutcome-1', () => {
  for (const name of Object.keys(SPINE_ERRORS) as (keyof typeof SPINE_ERRORS)[]) {
    const error = new GpConnectError(name, 'diagnostic text');
    const outcome = buildOperationOutcome(error.definition, error.diagnostics);
    assert.deepEqual(checkConformance(outcome), [], name);
    assert.equal(outcome.issue[0]!.details.coding[0].code, SPINE_ERRORS[name].code);
    assert.equal(outcome.issue[0]!.diagnostics, 'diagnostic text');
  }
});

test('the DSTU2 dialect uses the 0.7.x profile and value set', () => {
  const outcome = buildOperationOutcome(SPINE_ERRORS.INVALID_PARAMETER, 'x', 'dstu2');
  assert.equal(outcome.meta.profile[0], 'http://fhir.nhs.net/StructureDefinition/gpconnect-operationoutcome-1');
  assert.equal(outcome.issue[0]!.details.coding[0].system, 'http://fhir.nhs.net/ValueSet/gpconnect-error-or-warning-code-1');
});
