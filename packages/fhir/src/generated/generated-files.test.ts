import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GENERATED_FILES } from '../../scripts/generated-files.ts';

for (const [name, build] of Object.entries(GENERATED_FILES)) {
  test(`src/generated/${name} is what scripts/generate-models.ts produces (run npm run generate -w @gpconnect/fhir)`, () => {
    const committed = readFileSync(new URL(name, import.meta.url), 'utf8');
    assert.ok(committed === build(), `${name} is stale`);
  });
}
