import { createRequire } from 'node:module';

/** One element of a profile as src/generated/profiles.json holds it (see scripts/profiles-source.ts). */
export interface ProfileElement {
  readonly id: string;
  readonly path: string;
  readonly sliceName?: string;
  readonly min?: number;
  readonly max?: string;
  readonly types?: readonly { code: string; profile?: string; targetProfile?: string }[];
  readonly fixed?: { type: string; value: string };
  readonly binding?: { strength: string; valueSet?: string };
  readonly slicing?: { discriminator: readonly { type: string; path: string }[]; rules?: string; ordered?: boolean };
}

interface ProfileDefinition {
  url: string;
  type: string;
  kind: string;
  hasSnapshot: boolean;
  elements: ProfileElement[];
}

/** A child element of a profile element, as matched against the keys of a JSON object. */
export interface ChildRule {
  /** The element (for a choice restricted by a type slice, that slice). */
  readonly element: ProfileElement;
  /** JSON key it matches exactly, or, for an unrestricted choice `value[x]`, the prefix `value`. */
  readonly key: string;
  readonly isChoice: boolean;
  /** Slices of this element, in the order the profile declares them. */
  readonly slices: readonly ProfileElement[];
}

/** A profile with its elements indexed for walking an instance top-down. */
export class CompiledProfile {
  private readonly childRules = new Map<string, ChildRule[]>();
  readonly root: ProfileElement;

  constructor(readonly definition: ProfileDefinition) {
    const byParent = new Map<string, ProfileElement[]>();
    for (const element of definition.elements) {
      const dot = element.id.lastIndexOf('.');
      if (dot < 0) continue;
      const parent = element.id.slice(0, dot);
      const siblings = byParent.get(parent);
      if (siblings) siblings.push(element);
      else byParent.set(parent, [element]);
    }
    this.root = definition.elements.find((e) => !e.id.includes('.')) ?? { id: definition.type, path: definition.type };
    for (const [parent, children] of byParent) this.childRules.set(parent, compileChildren(children));
  }

  get url(): string {
    return this.definition.url;
  }

  get type(): string {
    return this.definition.type;
  }

  /** The fixed value the profile gives the element with this id, if any. */
  fixedValue(elementId: string): string | undefined {
    return this.definition.elements.find((e) => e.id === elementId)?.fixed?.value;
  }

  /** The rules for the children of the element with this id (empty when the profile does not constrain them). */
  children(elementId: string): readonly ChildRule[] {
    return this.childRules.get(elementId) ?? [];
  }
}

/**
 * Groups sibling elements: `name` with its slices `name:slice`. A choice `value[x]` narrowed by type
 * slices (`value[x]:valueQuantity`, STU3's way of restricting the type) becomes one rule per
 * allowed type key; `valueQuantity:valueQuantity` (the same, spelt by the element name) is plain.
 */
function compileChildren(children: ProfileElement[]): ChildRule[] {
  const rules = new Map<string, { element: ProfileElement; key: string; isChoice: boolean; slices: ProfileElement[] }>();
  for (const element of children) {
    const segment = element.id.slice(element.id.lastIndexOf('.') + 1);
    const colon = segment.indexOf(':');
    const name = colon < 0 ? segment : segment.slice(0, colon);
    const slice = colon < 0 ? undefined : segment.slice(colon + 1);
    if (slice === undefined || slice === name) {
      const isChoice = name.endsWith('[x]');
      rules.set(name, { element, key: isChoice ? name.slice(0, -3) : name, isChoice, slices: [] });
    } else if (name.endsWith('[x]') && slice.startsWith(name.slice(0, -3))) {
      rules.set(slice, { element, key: slice, isChoice: false, slices: [] });
    } else {
      // A differential may slice an element without restating it: the slices then hang off the plain element.
      if (!rules.has(name)) rules.set(name, { element: { id: element.id.slice(0, element.id.lastIndexOf(':')), path: element.path }, key: name, isChoice: false, slices: [] });
      rules.get(name)!.slices.push(element);
    }
  }
  return [...rules.values()];
}

const definitions = createRequire(import.meta.url)('../generated/profiles.json') as ProfileDefinition[];
const compiled = new Map<string, CompiledProfile | null>();
const byUrl = new Map(definitions.map((d) => [d.url, d]));

/** The published profile with this canonical URL (a `|version` or `/_history/n` suffix ignored). */
export function findProfile(url: string): CompiledProfile | undefined {
  const canonical = url.replace(/\|.*$/, '').replace(/\/_history\/.*$/, '');
  let profile = compiled.get(canonical);
  if (profile === undefined) {
    const definition = byUrl.get(canonical);
    profile = definition ? new CompiledProfile(definition) : null;
    compiled.set(canonical, profile);
  }
  return profile ?? undefined;
}

/** The resource or datatype a profile URL constrains: a published profile's type, or a core definition's name. */
export function profiledType(url: string): string | undefined {
  const core = /^http:\/\/hl7\.org\/fhir\/StructureDefinition\/([A-Z][A-Za-z]+)$/.exec(url);
  return core ? core[1] : findProfile(url)?.type;
}
