import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { all, assetParser, value, type XmlNode } from './fhir-asset-xml.ts';
import { readProfiles } from './profiles-source.ts';

/**
 * Builds src/generated/terminology.json: for every value set that a profile in assets/stu3 binds
 * (example bindings excepted) and that assets/stu3/ValueSets holds, the codes it allows, per code
 * system. A system maps to `null` when its codes cannot be enumerated here (a filter, such as a
 * SNOMED CT reference set, or a code system we do not hold): then only the system is checked.
 */
const assets = fileURLToPath(new URL('../assets/stu3/', import.meta.url));

function readFolder(folder: string, root: string): XmlNode[] {
  return readdirSync(assets + folder)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => all(assetParser.parse(readFileSync(`${assets}${folder}/${f}`, 'utf8')) as XmlNode, root)[0]!);
}

function flattenConcepts(node: XmlNode, into: string[]): string[] {
  for (const concept of all(node, 'concept')) {
    into.push(value(concept, 'code')!);
    flattenConcepts(concept, into);
  }
  return into;
}

/** Code system url -> every code it defines (hierarchies flattened); null when not complete here. */
function readCodeSystems(): Map<string, string[] | null> {
  const systems = new Map<string, string[] | null>();
  for (const cs of readFolder('CodeSystems', 'CodeSystem')) {
    const content = value(cs, 'content');
    systems.set(value(cs, 'url')!, content === 'complete' ? flattenConcepts(cs, []) : null);
  }
  return systems;
}

type Allowed = Record<string, string[] | null>;

function addCodes(into: Allowed, system: string, codes: string[] | null): void {
  if (codes === null || into[system] === null) into[system] = null;
  else into[system] = [...new Set([...(into[system] ?? []), ...codes])].sort();
}

function expand(url: string, valueSets: Map<string, XmlNode>, systems: Map<string, string[] | null>, seen: Set<string>): Allowed | undefined {
  const vs = valueSets.get(url);
  if (!vs || seen.has(url)) return undefined;
  seen.add(url);
  const allowed: Allowed = {};
  const compose = all(vs, 'compose')[0];
  for (const include of all(compose, 'include')) {
    for (const imported of all(include, 'valueSet')) {
      const nested = expand(String(imported['value']), valueSets, systems, seen);
      // A value set we cannot expand leaves the binding unverifiable rather than wrongly strict.
      if (!nested) return undefined;
      for (const [system, codes] of Object.entries(nested)) addCodes(allowed, system, codes);
    }
    const system = value(include, 'system');
    if (!system) continue;
    const listed = all(include, 'concept').map((c) => value(c, 'code')!);
    if (listed.length) addCodes(allowed, system, listed);
    else if (all(include, 'filter').length) addCodes(allowed, system, null);
    else addCodes(allowed, system, systems.get(system) ?? null);
  }
  for (const exclude of all(compose, 'exclude')) {
    const system = value(exclude, 'system');
    const codes = allowed[system ?? ''];
    if (!system || !codes) continue;
    const excluded = new Set(all(exclude, 'concept').map((c) => value(c, 'code')!));
    allowed[system] = codes.filter((c) => !excluded.has(c));
  }
  return allowed;
}

export function buildTerminologyJson(): string {
  const systems = readCodeSystems();
  const valueSets = new Map(readFolder('ValueSets', 'ValueSet').map((vs) => [value(vs, 'url')!, vs]));
  const bound = new Set<string>();
  for (const profile of readProfiles()) {
    for (const element of profile.elements) {
      if (element.binding?.valueSet && element.binding.strength !== 'example') bound.add(element.binding.valueSet);
    }
  }
  const result: Record<string, Allowed> = {};
  for (const url of [...bound].sort()) {
    const allowed = expand(url, valueSets, systems, new Set());
    if (allowed) result[url] = Object.fromEntries(Object.entries(allowed).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return `${JSON.stringify(result)}\n`;
}
