import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

/**
 * Reads the official StructureDefinitions in assets/stu3/StructureDefinitions and keeps what our
 * checks use: per element its id, path, cardinality, types, fixed value, binding and slicing.
 */
const assetDir = fileURLToPath(new URL('../assets/stu3/StructureDefinitions/', import.meta.url));

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const list = node?.[name] as XmlNode[] | undefined;
  return list?.[0];
}

function value(node: XmlNode | undefined, name: string): string | undefined {
  return first(node, name)?.['value'] as string | undefined;
}

function all(node: XmlNode | undefined, name: string): XmlNode[] {
  return (node?.[name] as XmlNode[] | undefined) ?? [];
}

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
}

export interface ProfileDefinition {
  url: string;
  name: string;
  type: string;
  kind: string;
  baseDefinition?: string;
  derivation?: string;
  /** Snapshot elements when the asset has a snapshot; the differential otherwise. */
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
      element.fixed = { type: key, value: String(first(node, key)?.['value']) };
    }
  }
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

export function readProfiles(): ProfileDefinition[] {
  return readdirSync(assetDir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => {
      const doc = parser.parse(readFileSync(assetDir + file, 'utf8')) as XmlNode;
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

export function buildProfilesJson(): string {
  return `${JSON.stringify(readProfiles())}\n`;
}
