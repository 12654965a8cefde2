import { createRequire } from 'node:module';

interface ModelFile {
  version: string;
  parents: Record<string, string>;
  /** path -> datatype, `[]` suffix when it repeats, `@path` when defined by another element. */
  elements: Record<string, string>;
  /** type name or backbone path -> its own element names in definition order (choices expanded). */
  order: Record<string, string[]>;
}

/** FHIR releases whose element model we hold: STU3 for GP Connect 1.x, DSTU2 for Access Record HTML 0.7.x. */
export type FhirRelease = 'stu3' | 'dstu2';

/** What an element of a FHIR release holds. */
export interface ElementInfo {
  /** Full path of the definition (e.g. `Patient.contact`, `HumanName.family`). */
  readonly path: string;
  /** A primitive (`string`, `date`...), a complex type, `BackboneElement`/`Element`, or `Resource`. */
  readonly type: string;
  readonly repeating: boolean;
}

/** The element model of one FHIR release, read from src/generated (see scripts/generate-models.ts). */
export class FhirModel {
  private readonly cache = new Map<string, ElementInfo | null>();
  private readonly positions = new Map<string, ReadonlyMap<string, number>>();

  private constructor(private readonly file: ModelFile) {}

  static load(release: FhirRelease): FhirModel {
    return new FhirModel(createRequire(import.meta.url)(`../generated/${release}-model.json`) as ModelFile);
  }

  /** True for resource types (those deriving from `Resource`, the abstract bases excluded). */
  isResourceType(typeName: string): boolean {
    if (typeName === 'Resource' || typeName === 'DomainResource') return false;
    for (let t: string | undefined = typeName; t; t = this.file.parents[t]) {
      if (t === 'Resource') return true;
    }
    return false;
  }

  /**
   * Finds element `name` inside `context`: a type name (`HumanName`, `Patient`) or the path of a
   * backbone element (`Patient.contact`). Inherited elements (`Resource.id`, `DomainResource.text`,
   * `Element.extension`) are found through the parents.
   */
  findElement(context: string, name: string): ElementInfo | undefined {
    const key = `${context}.${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found = this.lookup(key);
    let parent = context.includes('.') ? 'BackboneElement' : this.file.parents[context];
    while (!found && parent) {
      found = this.lookup(`${parent}.${name}`);
      parent = this.file.parents[parent];
    }
    this.cache.set(key, found ?? null);
    return found;
  }

  /**
   * Where element `name` comes among the children of `context` (a type name or backbone path) in
   * definition order, inherited elements first (Resource, then DomainResource, then the type's own;
   * Element, then BackboneElement, then a backbone's own), as FHIR XML requires. Undefined when the
   * model has no position for it.
   */
  elementPosition(context: string, name: string): number | undefined {
    let positions = this.positions.get(context);
    if (!positions) {
      const chain = context.includes('.') ? ['Element', 'BackboneElement'] : this.ancestors(context);
      const names = [...chain, context].flatMap((type) => this.file.order[type] ?? []);
      const map = new Map<string, number>();
      for (const n of names) if (!map.has(n)) map.set(n, map.size);
      positions = map;
      this.positions.set(context, positions);
    }
    return positions.get(name);
  }

  /** The base types of a type, the most general first (`Resource`, `DomainResource` for Patient). */
  private ancestors(typeName: string): string[] {
    const chain: string[] = [];
    for (let t = this.file.parents[typeName]; t; t = this.file.parents[t]) chain.unshift(t);
    return chain;
  }

  private lookup(path: string): ElementInfo | undefined {
    const raw = this.file.elements[path];
    if (raw === undefined) return undefined;
    const repeating = raw.endsWith('[]');
    const body = repeating ? raw.slice(0, -2) : raw;
    if (body.startsWith('@')) {
      const target = this.lookup(body.slice(1));
      return target && { path: target.path, type: target.type, repeating };
    }
    return { path, type: body, repeating };
  }
}

const loaded = new Map<FhirRelease, FhirModel>();

/** The model of a release, loaded once and shared. */
export function fhirModel(release: FhirRelease): FhirModel {
  let model = loaded.get(release);
  if (!model) {
    model = FhirModel.load(release);
    loaded.set(release, model);
  }
  return model;
}

export function isPrimitiveType(typeName: string): boolean {
  return /^[a-z]/.test(typeName);
}

/** The context in which the children of a value of this element are looked up. */
export function childContext(element: ElementInfo): string {
  return element.type === 'BackboneElement' || element.type === 'Element' ? element.path : element.type;
}
