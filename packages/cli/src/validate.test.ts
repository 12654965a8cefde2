import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOperationOutcome, fhirJsonToXml, IDENTIFIER_SYSTEMS, PROFILES, SPINE_ERRORS } from '@gpconnect/fhir';
import { runCli } from './test-support.ts';

describe('gpconnect validate', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpconnect-validate-'));
    const outcome = buildOperationOutcome(SPINE_ERRORS.PATIENT_NOT_FOUND, 'No patient', 'stu3');
    writeFileSync(path('outcome.json'), JSON.stringify(outcome));
    writeFileSync(path('outcome.xml'), fhirJsonToXml(outcome as never));
    // A Patient claiming the GP Connect profile, with a telecom missing its system and an address with a state.
    writeFileSync(
      path('patient.json'),
      JSON.stringify({
        resourceType: 'Patient',
        meta: { profile: [PROFILES.patient] },
        identifier: [{ system: IDENTIFIER_SYSTEMS.nhsNumber, value: '9690937278' }],
        name: [{ use: 'official', family: 'SAMUAL', given: ['Lucien'] }],
        telecom: [{ value: '01234 567890', use: 'home' }],
        address: [{ use: 'home', state: 'Yorkshire' }],
      }),
    );
    writeFileSync(path('broken.json'), '{"resourceType": ');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a conforming resource in JSON and in XML is valid: exit 0', async () => {
    const result = await runCli(['validate', path('outcome.json'), path('outcome.xml')], {});
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${path('outcome.json')}: valid (0 errors, 0 warnings)\n${path('outcome.xml')}: valid (0 errors, 0 warnings)\n`);
  });

  test('every broken rule is reported with its location, and the exit code is 1', async () => {
    const result = await runCli(['validate', path('patient.json')], {});
    assert.equal(result.code, 1);
    assert.match(result.stdout, /error Patient\.telecom\[0\]\.system: /);
    assert.match(result.stdout, /error Patient\.address\[0\]\.state: /);
    assert.match(result.stdout, /invalid \([2-9]\d* errors/);
  });

  test('--format json gives an OperationOutcome per file', async () => {
    const result = await runCli(['validate', '--format', 'json', path('patient.json')], {});
    const [report] = JSON.parse(result.stdout) as { file: string; outcome: { resourceType: string; issue: { severity: string; expression?: string[] }[] } }[];
    assert.equal(report?.outcome.resourceType, 'OperationOutcome');
    assert.ok(report?.outcome.issue.some((i) => i.severity === 'error' && i.expression?.[0] === 'Patient.telecom[0].system'));
  });

  test('an unreadable or missing file is refused with a message, not a stack trace', async () => {
    const broken = await runCli(['validate', path('broken.json')], {});
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.json: not a FHIR JSON or XML resource/);
    const missing = await runCli(['validate', path('nothing.json')], {});
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `gpconnect: ${path('nothing.json')}: no such file\n`);
  });
});
