import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { childContext, fhirModel, isPrimitiveType, type ElementInfo, type FhirModel, type FhirRelease } from '../structure/fhir-model.ts';
import { FHIR_NAMESPACE, FhirXmlError, XHTML_NAMESPACE } from './fhir-xml-error.ts';

type JsonObject = Record<string, unknown>;

/** A parsed element as fast-xml-parser's preserveOrder mode gives it: `{ name: children, ':@': attributes }`. */
type XmlNode = Record<string, unknown>;

const ATTRIBUTES = ':@';
const TEXT = '#text';

/**
 * How FHIR XML and XHTML are read: elements in document order, attributes and text as written.
 * Entities are decoded by decodeXmlText below, which knows only XML's own five and character references.
 */
export const XML_READING = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
} as const;

// The Narrative div arrives as its raw markup, so it passes through exactly as written.
const parser = new XMLParser({ ...XML_READING, stopNodes: ['*.div'] });

/** JSON types of the primitives that FHIR JSON writes as numbers or booleans. */
const NUMERIC = new Set(['integer', 'unsignedInt', 'positiveInt', 'decimal']);

/**
 * Reads FHIR XML (https://hl7.org/fhir/STU3/xml.html) into FHIR JSON, the inverse of fhirJsonToXml.
 * Element names and types come from the release's model: repeating elements become arrays,
 * primitives' `value` attributes become JSON strings, numbers or booleans as their datatype says,
 * their `id` and extensions become the `_name` companion, and the Narrative div becomes its XHTML text.
 *
 * Throws FhirXmlError when the text is not well-formed XML, declares a DTD or entities (refused
 * outright: no XXE or entity expansion), or is not FHIR-shaped XML (no FHIR namespace, text
 * content, attributes FHIR does not have). Elements and resource types the model does not know are
 * kept, best effort, under their XML name, so that the structure check that rejects them in JSON
 * rejects them here too.
 */
export function fhirXmlToJson(xml: string, release: FhirRelease = 'stu3'): JsonObject {
  checkWellFormed(xml, 'XML');
  const roots = (parser.parse(xml) as XmlNode[]).filter((node) => !nameOf(node).startsWith('?'));
  if (roots.length !== 1) throw new FhirXmlError('The XML must have exactly one root element');
  const root = roots[0]!;
  if (attributesOf(root)['xmlns'] !== FHIR_NAMESPACE) {
    throw new FhirXmlError(`The root element must be in the FHIR namespace ${FHIR_NAMESPACE}`);
  }
  return new JsonReader(fhirModel(release)).resource(root, '');
}

/** Refuses a DTD or entity declarations outright (no XXE, no entity expansion), then anything not well-formed. */
export function checkWellFormed(xml: string, what: 'XML' | 'XHTML'): void {
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) throw new FhirXmlError(`${what} with a DTD or entity declarations is not accepted`);
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new FhirXmlError(`The ${what} is not well-formed: ${msg} (line ${line}, column ${col})`);
  }
}

function nameOf(node: XmlNode): string {
  return Object.keys(node).find((key) => key !== ATTRIBUTES)!;
}

function attributesOf(node: XmlNode): Record<string, string> {
  return (node[ATTRIBUTES] as Record<string, string> | undefined) ?? {};
}

function childrenOf(node: XmlNode, location: string): XmlNode[] {
  const children = node[nameOf(node)] as XmlNode[];
  for (const child of children) {
    if (TEXT in child && String(child[TEXT]).trim() !== '') throw new FhirXmlError(`${location}: FHIR elements hold no text content`);
  }
  return children.filter((child) => !(TEXT in child));
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Resolves XML's predefined entities and character references; any other entity is an error. */
export function decodeXmlText(text: string, location: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new FhirXmlError(`${location}: a bare '&' must be written &amp;`);
    if (ref.startsWith('#')) {
      const codePoint = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(codePoint)) throw new FhirXmlError(`${location}: ${whole} is not a character XML allows`);
      return String.fromCodePoint(codePoint);
    }
    const named = NAMED[ref];
    if (named === undefined) throw new FhirXmlError(`${location}: unknown entity ${whole}`);
    return named;
  });
}

/** The Char production of XML 1.0: what a character reference may stand for. */
function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

class JsonReader {
  constructor(private readonly model: FhirModel) {}

  resource(node: XmlNode, parentLocation: string): JsonObject {
    const type = nameOf(node);
    const location = parentLocation === '' ? type : parentLocation;
    // Not a resource type: kept as just its name, for the structure check to reject as it would in JSON.
    if (!this.model.isResourceType(type)) return { resourceType: type };
    const extraAttributes = Object.keys(attributesOf(node)).filter((name) => name !== 'xmlns');
    if (extraAttributes.length > 0) throw new FhirXmlError(`${location}: unexpected attribute '${extraAttributes[0]}'`);
    return { resourceType: type, ...this.children(childrenOf(node, location), type, location) };
  }

  /** Groups same-named siblings (repeats) and turns each element into its JSON property. */
  private children(nodes: XmlNode[], context: string, location: string): JsonObject {
    const result: JsonObject = {};
    for (const node of nodes) {
      const name = nameOf(node);
      const element = this.model.findElement(context, name);
      const childLocation = `${location}.${name}`;
      if (!element) {
        // These names would collide with FHIR JSON's own keys, so they cannot be carried over.
        if (name === 'resourceType' || name.startsWith('_')) throw new FhirXmlError(`${childLocation}: unknown element '${name}'`);
        result[name] = this.unknown(node, childLocation);
        continue;
      }
      if (element.type === 'Resource') this.add(result, name, element, this.wrappedResource(node, childLocation), childLocation);
      else if (element.type === 'xhtml') this.add(result, name, element, this.xhtml(node, childLocation), childLocation);
      else if (isPrimitiveType(element.type)) this.primitive(result, name, element, node, childLocation);
      else this.add(result, name, element, this.complex(node, childContext(element), childLocation), childLocation);
    }
    padRepeatingPrimitives(result);
    return result;
  }

  private add(result: JsonObject, name: string, element: ElementInfo, value: unknown, location: string): void {
    if (!element.repeating) {
      if (name in result) throw new FhirXmlError(`${location}: does not repeat, but appears more than once`);
      result[name] = value;
    } else {
      ((result[name] ??= []) as unknown[]).push(value);
    }
  }

  /** A primitive: its value into `name`, its id and extensions into `_name`, arrays kept aligned. */
  private primitive(result: JsonObject, name: string, element: ElementInfo, node: XmlNode, location: string): void {
    const { value, id, ...others } = attributesOf(node);
    const unexpected = Object.keys(others)[0];
    if (unexpected !== undefined) throw new FhirXmlError(`${location}: unexpected attribute '${unexpected}'`);
    const companion: JsonObject = {};
    if (id !== undefined) companion['id'] = decodeXmlText(id, location);
    Object.assign(companion, this.children(childrenOf(node, location), 'Element', location));
    const jsonValue = value === undefined ? undefined : typedValue(element.type, decodeXmlText(value, location));
    const hasCompanion = Object.keys(companion).length > 0;
    if (jsonValue === undefined && !hasCompanion) throw new FhirXmlError(`${location}: a primitive element needs a value, an id or extensions`);

    if (!element.repeating) {
      if (name in result || `_${name}` in result) throw new FhirXmlError(`${location}: does not repeat, but appears more than once`);
      if (jsonValue !== undefined) result[name] = jsonValue;
      if (hasCompanion) result[`_${name}`] = companion;
      return;
    }
    // Repeats: `name` and `_name` are parallel arrays with null where an item lacks one side.
    const values = (result[name] as unknown[] | undefined) ?? [];
    const companions = (result[`_${name}`] as unknown[] | undefined) ?? [];
    const index = Math.max(values.length, companions.length);
    if (jsonValue !== undefined) {
      while (values.length < index) values.push(null);
      values.push(jsonValue);
      result[name] = values;
    }
    if (hasCompanion) {
      while (companions.length < index) companions.push(null);
      companions.push(companion);
      result[`_${name}`] = companions;
    }
  }

  private complex(node: XmlNode, context: string, location: string): JsonObject {
    const attributes = attributesOf(node);
    const object: JsonObject = {};
    for (const [attribute, raw] of Object.entries(attributes)) {
      const allowed = attribute === 'id' || (attribute === 'url' && context === 'Extension');
      if (!allowed) throw new FhirXmlError(`${location}: unexpected attribute '${attribute}'`);
      object[attribute] = decodeXmlText(raw, location);
    }
    Object.assign(object, this.children(childrenOf(node, location), context, location));
    return object;
  }

  private wrappedResource(node: XmlNode, location: string): JsonObject {
    const inner = childrenOf(node, location);
    if (inner.length !== 1) throw new FhirXmlError(`${location}: must hold exactly one resource element`);
    return this.resource(inner[0]!, location);
  }

  private xhtml(node: XmlNode, location: string): string {
    const attributes = attributesOf(node);
    if (attributes['xmlns'] !== XHTML_NAMESPACE) throw new FhirXmlError(`${location}: the div must be in the XHTML namespace ${XHTML_NAMESPACE}`);
    const written = Object.entries(attributes)
      .map(([name, value]) => ` ${name}="${value.replace(/"/g, '&quot;')}"`)
      .join('');
    const inner = (node['div'] as XmlNode[]).map((part) => String(part[TEXT] ?? '')).join('');
    return `<div${written}>${inner}</div>`;
  }

  /** An element the model lacks: kept as a value the structure check will name and reject. */
  private unknown(node: XmlNode, location: string): unknown {
    const attributes = attributesOf(node);
    const children = childrenOf(node, location);
    if (children.length === 0 && attributes['value'] !== undefined) return decodeXmlText(attributes['value'], location);
    return { ...attributes };
  }
}

/** After the last item, `name` and `_name` arrays of a repeating primitive must be the same length. */
function padRepeatingPrimitives(object: JsonObject): void {
  for (const key of Object.keys(object)) {
    if (!key.startsWith('_') || !Array.isArray(object[key])) continue;
    const values = object[key.slice(1)];
    const companions = object[key] as unknown[];
    if (Array.isArray(values)) {
      while (values.length < companions.length) values.push(null);
      while (companions.length < values.length) companions.push(null);
    }
  }
}

/** The JSON form of a primitive's `value` attribute, from its datatype; left a string when it does not parse. */
function typedValue(type: string, text: string): unknown {
  if (NUMERIC.has(type)) {
    const number = Number(text);
    return text.trim() !== '' && Number.isFinite(number) ? number : text;
  }
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}
