import { XMLParser } from 'fast-xml-parser';

/**
 * Reading the official FHIR XML assets (StructureDefinitions, ValueSets, CodeSystems) at build time:
 * every element parsed as an array so that repeating and single elements read the same way.
 */
export type XmlNode = Record<string, unknown>;

export const assetParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

export function all(node: XmlNode | undefined, name: string): XmlNode[] {
  return (node?.[name] as XmlNode[] | undefined) ?? [];
}

export function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return all(node, name)[0];
}

/** The `value` attribute of the first `name` child, as FHIR XML writes primitives. */
export function value(node: XmlNode | undefined, name: string): string | undefined {
  return first(node, name)?.['value'] as string | undefined;
}
