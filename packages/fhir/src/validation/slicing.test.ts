import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledProfile } from './profile-index.ts';
import { ProfileWalker } from './profile-walker.ts';
import type { ValidationIssue } from './validation-issue.ts';

/**
 * The published assets slice only on `value` discriminators and fix only primitive values; these
 * rules (type discriminators, patterns) are exercised on a small profile made for the test.
 */
const profile = new CompiledProfile({
  url: 'https://example.org/StructureDefinition/Test-Bundle',
  type: 'Bundle',
  kind: 'resource',
  hasSnapshot: true,
  elements: [
    { id: 'Bundle', path: 'Bundle', min: 0, max: '*' },
    { id: 'Bundle.type', path: 'Bundle.type', min: 1, max: '1', types: [{ code: 'code' }], fixed: { type: 'patternCode', value: 'collection' } },
    { id: 'Bundle.entry', path: 'Bundle.entry', min: 0, max: '*', types: [{ code: 'BackboneElement' }], slicing: { discriminator: [{ type: 'type', path: 'resource' }], rules: 'closed' } },
    { id: 'Bundle.entry.resource', path: 'Bundle.entry.resource', min: 1, max: '1', types: [{ code: 'Resource' }] },
    { id: 'Bundle.entry:patient', path: 'Bundle.entry', sliceName: 'patient', min: 1, max: '1', types: [{ code: 'BackboneElement' }] },
    { id: 'Bundle.entry:patient.resource', path: 'Bundle.entry.resource', min: 1, max: '1', types: [{ code: 'Patient' }] },
  ],
});

// Bundle.entry is matched on the type of its resource: the slice's element at the discriminator path.
function validate(bundle: Record<string, unknown>): string[] {
  const issues: ValidationIssue[] = [];
  new ProfileWalker(issues).validate(bundle, profile, 'Bundle');
  return issues.map((i) => `${i.code} ${i.location}: ${i.message.replace(/ \(https:\/\/[^)]*\)$/, '')}`);
}

test('slicing on type: entries are sliced by the type of their resource, with the slice cardinality', () => {
  assert.deepEqual(validate({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient' } }] }), []);
  assert.deepEqual(validate({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Organization' } }] }), [
    "required Bundle.entry: slice 'patient': minimum required = 1, but only found 0",
    'structure Bundle.entry[0]: matches none of the slices of Bundle.entry, and the slicing is closed',
  ]);
});

test('pattern values: a primitive pattern must be matched exactly', () => {
  assert.deepEqual(validate({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient' } }] }), [
    'value Bundle.type: must be "collection" (pattern in https://example.org/StructureDefinition/Test-Bundle), found "searchset"',
  ]);
});
