import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { validateResource } from '@gpconnect/fhir';

/**
 * The profile validator's benchmark: a 300-resource structured-record Bundle (issue 3: "< 100 ms"),
 * built from the entries of the official structured-record response examples that conform, validated
 * repeatedly. The ceiling is the barest full walk of the same data: JSON.stringify and JSON.parse of
 * the Bundle. Prints the median and p99 of each and the ratio.
 */

const EXAMPLES = new URL('../packages/fhir/src/__fixtures__/spec-examples/', import.meta.url);
const ENTRIES = 300;
const RUNS = 200;
const GOAL_MS = 100;

type Entry = { resource: { resourceType: string } };

function structuredRecordBundle(): Record<string, unknown> {
  const conforming: Entry[] = [];
  for (const file of readdirSync(EXAMPLES).filter((f) => f.startsWith('structured-response-')).sort()) {
    const bundle = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as { resourceType: string; entry?: Entry[] };
    if (bundle.resourceType !== 'Bundle') continue;
    for (const entry of bundle.entry ?? []) {
      // Only entries that conform on their own, so the run measures validation, not error reporting.
      if (validateResource(entry.resource).issues.every((i) => i.severity !== 'error')) conforming.push(entry);
    }
  }
  if (conforming.length === 0) throw new Error('no conforming structured-record entries found in the examples');
  const entry = Array.from({ length: ENTRIES }, (_, i) => structuredClone(conforming[i % conforming.length]!));
  return { resourceType: 'Bundle', meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1'] }, type: 'collection', entry };
}

function measure(work: () => void): { median: number; p99: number } {
  for (let i = 0; i < 20; i++) work(); // warm-up: JIT and the validator's compiled profiles
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)]!, p99: times[Math.floor(RUNS * 0.99)]! };
}

const bundle = structuredRecordBundle();
const errors = validateResource(bundle).issues.filter((i) => i.severity === 'error');
if (errors.length > 0) throw new Error(`the benchmark Bundle does not validate: ${errors[0]!.location} ${errors[0]!.message}`);
const bytes = JSON.stringify(bundle).length;
const ceiling = measure(() => JSON.parse(JSON.stringify(bundle)));
const validator = measure(() => validateResource(bundle));
const ms = (n: number) => n.toFixed(2).padStart(8);
console.log(`\nProfile validator: a ${ENTRIES}-resource structured-record Bundle (${Math.round(bytes / 1024)} KB), ${RUNS} runs`);
console.log('                     median ms   p99 ms');
console.log(`  ceiling (JSON round trip) ${ms(ceiling.median)} ${ms(ceiling.p99)}`);
console.log(`  validateResource          ${ms(validator.median)} ${ms(validator.p99)}`);
console.log(`  validator/ceiling time ${(validator.median / ceiling.median).toFixed(1)}x; goal < ${GOAL_MS} ms: ${validator.p99 < GOAL_MS ? 'PASS' : 'MISS'}`);
