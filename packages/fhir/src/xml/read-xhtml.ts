import { XMLParser } from 'fast-xml-parser';
import { checkWellFormed, decodeXmlText, XML_READING } from './from-xml.ts';
import { FhirXmlError } from './fhir-xml-error.ts';

/**
 * A FHIR narrative (`text.div`, XHTML) read into a tree, for a consumer that shows it some other way
 * than as markup (a terminal, a search index). The same rules as FHIR XML: well-formed, no DTD or
 * entity declarations, XML's own entities and character references only (a FHIR narrative may use no
 * HTML entity). Comments and processing instructions are dropped; CDATA is text.
 */

/** An element with its (namespace-free) name, attributes and content in document order. */
export interface XhtmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XhtmlNode[];
}

/** Text (entities resolved) or an element. */
export type XhtmlNode = string | XhtmlElement;

type ParsedNode = Record<string, unknown>;

const ATTRIBUTES = ':@';
const TEXT = '#text';
const CDATA = '#cdata';

const parser = new XMLParser({ ...XML_READING, cdataPropName: CDATA });

/** `xhtml:div` and `div` alike: narratives are XHTML whatever prefix names the namespace. */
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function toNode(parsed: ParsedNode, location: string): XhtmlNode | undefined {
  if (TEXT in parsed) return decodeXmlText(String(parsed[TEXT]), location);
  const name = Object.keys(parsed).find((key) => key !== ATTRIBUTES);
  if (name === undefined || name.startsWith('?')) return undefined;
  const content = parsed[name] as ParsedNode[];
  if (name === CDATA) return content.map((part) => String(part[TEXT] ?? '')).join('');
  const raw = (parsed[ATTRIBUTES] as Record<string, string> | undefined) ?? {};
  const elementLocation = `${location}/${localName(name)}`;
  const attributes = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, decodeXmlText(value, elementLocation)]));
  const children = content.map((child) => toNode(child, elementLocation)).filter((child): child is XhtmlNode => child !== undefined);
  return { name: localName(name), attributes, children };
}

/** The narrative's root element (normally its one `div`); throws FhirXmlError when it is not well-formed XHTML. */
export function readXhtml(markup: string): XhtmlElement {
  checkWellFormed(markup, 'XHTML');
  const roots = (parser.parse(markup) as ParsedNode[]).map((node) => toNode(node, '')).filter((node): node is XhtmlElement => typeof node === 'object');
  if (roots.length !== 1) throw new FhirXmlError('The XHTML must have exactly one root element');
  return roots[0]!;
}
