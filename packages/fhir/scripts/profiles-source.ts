import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { all, assetParser, first, value, type XmlNode } from './fhir-asset-xml.ts';
import { resolveDifferential } from './resolve-differential.ts';

/**
 * Reads the official StructureDefinitions in assets/stu3/StructureDefinitions and keeps what the
 * validator uses: per element its id, path, cardinality, types, fixed or pattern value, binding and
 * slicing. The six profiles published with only a differential are resolved against their base
 * (see resolve-differential.ts), so every profile in profiles.json can be walked the same way.
 */
const assetDir = fileURLToPath(new URL('../assets/stu3/StructureDefinitions/', import.meta.url));


export interface ProfileElement {
  id: string;
  path: string;
  sliceName?: string;
  min?: number;
  max?: string;
  types?: { code: string; profile?: string; targetProfile?: string }[];
  fixed?: { type: string; value: string };
  binding?: { strength: string; valueSet?: string };
  slicing?: { discriminator: { type: string; path: string }[]; rules?: string; ordered?: boolean };
  /** Cardinality of the element in the core STU3 definition (snapshots only). */
  base?: { min: number; max: string };
}

export interface ProfileDefinition {
  url: string;
  name: string;
  type: string;
  kind: string;
  baseDefinition?: string;
  derivation?: string;
  /** True when the asset has a snapshot; otherwise `elements` is its differential resolved against the base. */
  hasSnapshot: boolean;
  elements: ProfileElement[];
}

function readElement(node: XmlNode): ProfileElement {
  const element: ProfileElement = { id: String(node['id'] ?? value(node, 'path')), path: value(node, 'path')! };
  const sliceName = value(node, 'sliceName');
  if (sliceName) element.sliceName = sliceName;
  const min = value(node, 'min');
  if (min !== undefined) element.min = Number(min);
  const max = value(node, 'max');
  if (max !== undefined) element.max = max;
  const types = all(node, 'type').map((t) => {
    const type: { code: string; profile?: string; targetProfile?: string } = { code: value(t, 'code')! };
    const profile = value(t, 'profile');
    if (profile) type.profile = profile;
    const targetProfile = value(t, 'targetProfile');
    if (targetProfile) type.targetProfile = targetProfile;
    return type;
  });
  if (types.length) element.types = types;
  for (const key of Object.keys(node)) {
    if (key.startsWith('fixed') || key.startsWith('pattern')) {
      const fixed = first(node, key)?.['value'];
      // Only primitive fixed/pattern values occur in the assets; a complex one must not pass unchecked.
      if (fixed === undefined) throw new Error(`${element.id}: complex ${key} is not supported`);
      element.fixed = { type: key, value: String(fixed) };
    }
  }
  const base = first(node, 'base');
  if (base) element.base = { min: Number(value(base, 'min')), max: value(base, 'max')! };
  const binding = first(node, 'binding');
  if (binding) {
    element.binding = { strength: value(binding, 'strength')! };
    const valueSet = value(first(binding, 'valueSetReference'), 'reference') ?? value(binding, 'valueSetUri');
    if (valueSet) element.binding.valueSet = valueSet;
  }
  const slicing = first(node, 'slicing');
  if (slicing) {
    element.slicing = {
      discriminator: all(slicing, 'discriminator').map((d) => ({ type: value(d, 'type')!, path: value(d, 'path')! })),
    };
    const rules = value(slicing, 'rules');
    if (rules) element.slicing.rules = rules;
    const ordered = value(slicing, 'ordered');
    if (ordered) element.slicing.ordered = ordered === 'true';
  }
  return element;
}

/** The profiles as published: snapshot elements, or differential elements when there is no snapshot. */
function readPublished(): ProfileDefinition[] {
  return readdirSync(assetDir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => {
      const doc = assetParser.parse(readFileSync(assetDir + file, 'utf8')) as XmlNode;
      const sd = first(doc, 'StructureDefinition')!;
      const snapshot = first(sd, 'snapshot');
      const source = snapshot ?? first(sd, 'differential');
      const profile: ProfileDefinition = {
        url: value(sd, 'url')!,
        name: value(sd, 'name')!,
        type: value(sd, 'type')!,
        kind: value(sd, 'kind')!,
        hasSnapshot: snapshot !== undefined,
        elements: all(source, 'element').map(readElement),
      };
      const base = value(sd, 'baseDefinition');
      if (base) profile.baseDefinition = base;
      const derivation = value(sd, 'derivation');
      if (derivation) profile.derivation = derivation;
      return profile;
    });
}

let cached: ProfileDefinition[] | undefined;

/** Every profile, differentials resolved; read once per process (the XML is 10 MB; terminology needs it too). */
export function readProfiles(): ProfileDefinition[] {
  cached ??= resolveAll(readPublished());
  return cached;
}

function resolveAll(published: ProfileDefinition[]): ProfileDefinition[] {
  const coreCardinality = new Map<string, { min: number; max: string }>();
  for (const profile of published) {
    for (const element of profile.elements) if (element.base) coreCardinality.set(element.path, element.base);
  }
  // The core cardinality is needed only to resolve differentials; it is left out of profiles.json.
  for (const profile of published) for (const element of profile.elements) delete element.base;
  return published.map((p) => (p.hasSnapshot ? p : resolveDifferential(p, coreCardinality)));
}

export function buildProfilesJson(): string {
  return `${JSON.stringify(readProfiles())}\n`;
}
