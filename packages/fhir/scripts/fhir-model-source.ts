import { createRequire } from 'node:module';

interface FhirpathModel {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  type2Parent: Record<string, string>;
  pathsDefinedElsewhere: Record<string, string>;
}

export const MODEL_VERSIONS = { stu3: '3.0.1', dstu2: '1.0.2' } as const;

/**
 * Serialises the element model of a FHIR release (element names, datatypes, repetition) as stable,
 * sorted JSON, from the `fhirpath` package's model of that release (built from the official
 * definitions). See generate-models.ts.
 */
export function buildFhirModel(release: keyof typeof MODEL_VERSIONS): string {
  const model = createRequire(import.meta.url)(`fhirpath/fhir-context/${release}`) as FhirpathModel;
  const elements: Record<string, string> = {};
  for (const path of Object.keys(model.path2Type)) {
    elements[path] = model.path2Type[path] + (model.path2Repeating[path] ? '[]' : '');
  }
  // Elements whose content is defined by another element (Questionnaire.item.item -> Questionnaire.item).
  for (const [path, target] of Object.entries(model.pathsDefinedElsewhere)) {
    elements[path] = `@${target}${model.path2Repeating[target] ? '[]' : ''}`;
  }
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ version: MODEL_VERSIONS[release], parents: sorted(model.type2Parent), elements: sorted(elements) })}\n`;
}
