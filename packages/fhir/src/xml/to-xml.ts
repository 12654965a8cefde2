import { isLosslessNumber, parse as parseLosslessJson } from 'lossless-json';
import { XMLValidator } from 'fast-xml-parser';
import { childContext, fhirModel, isPrimitiveType, type ElementInfo, type FhirModel, type FhirRelease } from '../structure/fhir-model.ts';
import { FHIR_NAMESPACE, FhirXmlError, XHTML_NAMESPACE } from './fhir-xml-error.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeXml(text: string): string {
  // XML 1.0 cannot carry these at all, not even as character references.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text)) throw new FhirXmlError('a control character cannot be written in XML');
  return text.replace(/[&<>"\r\n\t]/g, (c) => XML_ESCAPES[c]!);
}
// Attribute values are normalised by XML parsers (newlines and tabs become spaces), so they are
// written as character references to survive the round trip.
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;', '\n': '&#xA;', '\t': '&#x9;' };

/**
 * Writes a FHIR JSON resource as FHIR XML (https://hl7.org/fhir/STU3/xml.html): the resource type
 * as root element in the FHIR namespace, children in definition order, primitives as `value`
 * attributes with their `_name` companions' `id` and extensions on the same element, `Element.id`
 * and `Extension.url` as attributes, resources inside `contained`/`resource` wrapped in an element
 * of their type, and the Narrative div passed through as XHTML.
 *
 * Throws FhirXmlError for JSON that is not a resource of the release's model (an unknown element).
 */
/**
 * FHIR JSON text to XML, keeping every number exactly as written: a decimal's trailing zeros are its
 * precision (FHIR decimal), which parsing into a JavaScript number would lose.
 */
export function fhirJsonTextToXml(json: string, release: FhirRelease = 'stu3'): string {
  return fhirJsonToXml(parseLosslessJson(json), release);
}

export function fhirJsonToXml(resource: unknown, release: FhirRelease = 'stu3'): string {
  const writer = new XmlWriter(fhirModel(release));
  writer.resource(resource, 'Resource', true);
  return writer.parts.join('');
}

class XmlWriter {
  readonly parts: string[] = [];

  constructor(private readonly model: FhirModel) {}

  resource(value: unknown, location: string, root = false): void {
    const type = isObject(value) ? value['resourceType'] : undefined;
    if (typeof type !== 'string' || !this.model.isResourceType(type)) {
      throw new FhirXmlError(`${location}: resourceType ${JSON.stringify(type)} is not a resource type`);
    }
    this.parts.push(root ? `<${type} xmlns="${FHIR_NAMESPACE}">` : `<${type}>`);
    this.children(value as JsonObject, type, location === 'Resource' ? type : location, true);
    this.parts.push(`</${type}>`);
  }

  /** The elements of an object, sorted into definition order; attributes are written by the caller. */
  private children(value: JsonObject, context: string, location: string, isResource: boolean): void {
    const names = new Set<string>();
    for (const key of Object.keys(value)) {
      if (isResource ? key === 'resourceType' : isAttribute(context, key, this.model)) continue;
      names.add(key.startsWith('_') ? key.slice(1) : key);
    }
    const ordered = [...names].map((name) => {
      const element = this.model.findElement(context, name);
      const position = this.model.elementPosition(context, name);
      if (!element || position === undefined) throw new FhirXmlError(`${location}.${name}: unknown element '${name}'`);
      return { name, element, position };
    });
    ordered.sort((a, b) => a.position - b.position);
    for (const { name, element } of ordered) {
      this.element(name, element, value[name], value[`_${name}`], `${location}.${name}`);
    }
  }

  private element(name: string, element: ElementInfo, value: unknown, companion: unknown, location: string): void {
    if (!element.repeating) {
      this.single(name, element, value, companion, location);
      return;
    }
    const values = Array.isArray(value) ? value : [];
    const companions = Array.isArray(companion) ? companion : [];
    if (value !== undefined && !Array.isArray(value)) throw new FhirXmlError(`${location}: repeats, so must be an array`);
    const count = Math.max(values.length, companions.length);
    for (let i = 0; i < count; i++) this.single(name, element, values[i] ?? undefined, companions[i] ?? undefined, `${location}[${i}]`);
  }

  private single(name: string, element: ElementInfo, value: unknown, companion: unknown, location: string): void {
    if (element.type === 'Resource') {
      this.parts.push(`<${name}>`);
      this.resource(value, location);
      this.parts.push(`</${name}>`);
    } else if (element.type === 'xhtml') {
      this.parts.push(xhtmlDiv(value, location));
    } else if (isPrimitiveType(element.type)) {
      this.primitive(name, value, companion, location);
    } else {
      if (!isObject(value)) throw new FhirXmlError(`${location}: must be an object (${element.type})`);
      const context = childContext(element);
      const attributes = this.attributes(value, context, location);
      if (Object.keys(value).every((key) => isAttribute(context, key, this.model))) {
        this.parts.push(`<${name}${attributes}/>`);
        return;
      }
      this.parts.push(`<${name}${attributes}>`);
      this.children(value, context, location, false);
      this.parts.push(`</${name}>`);
    }
  }

  private primitive(name: string, value: unknown, companion: unknown, location: string): void {
    const extra = isObject(companion) ? companion : {};
    let attributes = typeof extra['id'] === 'string' ? ` id="${escapeXml(extra['id'])}"` : '';
    if (value !== undefined && value !== null) {
      // A number read by fhirJsonTextToXml keeps the digits it was written with (72.50 stays 72.50).
      if (typeof value === 'object' && !isLosslessNumber(value)) throw new FhirXmlError(`${location}: must be a primitive value`);
      attributes += ` value="${escapeXml(String(value))}"`;
    }
    if (extra['extension'] === undefined) {
      this.parts.push(`<${name}${attributes}/>`);
      return;
    }
    this.parts.push(`<${name}${attributes}>`);
    this.children({ extension: extra['extension'] }, 'Element', `${location}._extension`, false);
    this.parts.push(`</${name}>`);
  }

  private attributes(value: JsonObject, context: string, location: string): string {
    let written = '';
    for (const key of ['id', 'url']) {
      const attribute = value[key];
      if (attribute === undefined || !isAttribute(context, key, this.model)) continue;
      if (typeof attribute !== 'string') throw new FhirXmlError(`${location}.${key}: must be a string`);
      written += ` ${key}="${escapeXml(attribute)}"`;
    }
    return written;
  }
}

/**
 * `Element.id` of datatypes and backbone elements, and `Extension.url`, are XML attributes (never
 * a resource's own `id`, which is an element; callers skip resources).
 */
function isAttribute(context: string, key: string, model: FhirModel): boolean {
  if (key === 'url') return context === 'Extension';
  return key === 'id' && !model.isResourceType(context);
}

/** The Narrative div, already XHTML text in JSON: checked well-formed and given its namespace. */
function xhtmlDiv(value: unknown, location: string): string {
  if (typeof value !== 'string' || !/^\s*<div[\s>/]/.test(value)) throw new FhirXmlError(`${location}: must be an XHTML <div> string`);
  if (XMLValidator.validate(value) !== true) throw new FhirXmlError(`${location}: the XHTML is not well-formed`);
  return /^\s*<div[^>]*\sxmlns\s*=/.test(value) ? value.trim() : value.trim().replace(/^<div/, `<div xmlns="${XHTML_NAMESPACE}"`);
}
