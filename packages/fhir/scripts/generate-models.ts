/**
 * Regenerates src/generated/: the FHIR STU3 and DSTU2 element models (from the fhirpath package)
 * and profiles.json (from the official StructureDefinitions in assets/stu3). Run with
 * `npm run generate -w @gpconnect/fhir`; generated-files.test.ts fails when a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES } from './generated-files.ts';

for (const [name, build] of Object.entries(GENERATED_FILES)) {
  const target = fileURLToPath(new URL(`../src/generated/${name}`, import.meta.url));
  writeFileSync(target, build());
  console.log(`wrote ${target}`);
}
