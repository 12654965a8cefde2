import { createRequire } from 'node:module';
import type { ProfileDefinition, ProfileElement } from './profiles-source.ts';

/**
 * Six published profiles have only a differential. The validator needs, for every constrained
 * element, its full cardinality and types and an unbroken chain of parents from the root, plus the
 * elements the core resource itself requires. Those come from real sources, not a hand-typed list:
 * - cardinality: the core STU3 cardinality that the snapshots of the other profiles record in their
 *   `base` elements (every GP Connect profile derives directly from core STU3);
 * - types and repetition: the `fhirpath` package's STU3 model (built from the official definitions).
 * An element neither source knows keeps what the differential says (min 0 when unstated).
 */
interface FhirpathModel {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
}

const model = createRequire(import.meta.url)('fhirpath/fhir-context/stu3') as FhirpathModel;

function coreElement(path: string, core: Map<string, { min: number; max: string }>): ProfileElement {
  const element: ProfileElement = { id: path, path };
  fillFromCore(element, core);
  return element;
}

function fillFromCore(element: ProfileElement, core: Map<string, { min: number; max: string }>): void {
  const cardinality = core.get(element.path);
  if (element.min === undefined) element.min = cardinality?.min ?? 0;
  if (element.max === undefined) {
    const repeating = model.path2Repeating[element.path];
    element.max = cardinality?.max ?? (repeating === undefined ? undefined : repeating ? '*' : '1');
    if (element.max === undefined) delete element.max;
  }
  if (!element.types) {
    const type = model.path2Type[element.path];
    if (type) element.types = [{ code: type }];
  }
}

/** The id of the element that contains `id` (`A.b:s.c` -> `A.b:s`), or undefined for the root. */
function parentId(id: string): string | undefined {
  const dot = id.lastIndexOf('.');
  return dot < 0 ? undefined : id.slice(0, dot);
}

export function resolveDifferential(profile: ProfileDefinition, core: Map<string, { min: number; max: string }>): ProfileDefinition {
  const byId = new Map<string, ProfileElement>();
  const ordered: ProfileElement[] = [];
  const add = (element: ProfileElement) => {
    byId.set(element.id, element);
    ordered.push(element);
  };
  if (!profile.elements.some((e) => e.id === profile.type)) add(coreElement(profile.type, core));
  for (const original of profile.elements) {
    const element: ProfileElement = { ...original };
    fillFromCore(element, core);
    // Parents the differential leaves out (it lists only what it changes) come from the core.
    const missing: string[] = [];
    for (let p = parentId(element.id); p && !byId.has(p); p = parentId(p)) missing.unshift(p);
    for (const id of missing) add({ ...coreElement(id.replace(/:[^.]*/g, ''), core), id });
    add(element);
  }
  // Elements the core resource requires, which the differential need not repeat.
  for (const [path, cardinality] of core) {
    if (parentId(path) === profile.type && cardinality.min > 0 && !byId.has(path)) add(coreElement(path, core));
  }
  return { ...profile, elements: ordered };
}
