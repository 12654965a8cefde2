import { createRequire } from 'node:module';
import { buildElementOrder } from './element-order-source.ts';

interface FhirpathModel {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  type2Parent: Record<string, string>;
  pathsDefinedElsewhere: Record<string, string>;
}

export const MODEL_VERSIONS = { stu3: '3.0.1', dstu2: '1.0.2' } as const;

type Release = keyof typeof MODEL_VERSIONS;

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function buildModel(release: Release) {
  const model = createRequire(import.meta.url)(`fhirpath/fhir-context/${release}`) as FhirpathModel;
  const elements: Record<string, string> = {};
  for (const path of Object.keys(model.path2Type)) {
    elements[path] = model.path2Type[path] + (model.path2Repeating[path] ? '[]' : '');
  }
  // Elements whose content is defined by another element (Questionnaire.item.item -> Questionnaire.item).
  for (const [path, target] of Object.entries(model.pathsDefinedElsewhere)) {
    elements[path] = `@${target}${model.path2Repeating[target] ? '[]' : ''}`;
  }
  const typeNames = [...new Set([...Object.keys(model.type2Parent), ...Object.values(model.type2Parent)])].sort();
  const order = buildElementOrder(release, elements, typeNames, release === 'dstu2' ? buildModel('stu3').order : undefined);
  return { version: MODEL_VERSIONS[release], parents: sorted(model.type2Parent), elements: sorted(elements), order: sorted(order) };
}

/**
 * Serialises the element model of a FHIR release (element names, datatypes, repetition) from the
 * `fhirpath` package's model of that release (built from the official definitions), plus the
 * definition order of each type's elements (see element-order-source.ts), as stable JSON: types and
 * paths sorted, the element lists of `order` in definition order. See generate-models.ts.
 */
export function buildFhirModel(release: Release): string {
  return `${JSON.stringify(buildModel(release))}\n`;
}
