import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkStructure } from '@gpconnect/fhir';
import type { LightMyRequestResponse } from 'fastify';
import { fhirBody, type ProviderUnderTest } from '../test-support.ts';
import { careRecordParameters, type CareRecordAsk } from '../testing/consumer-request.ts';

export { careRecordParameters, type CareRecordAsk };

/**
 * Test helpers of Access Record HTML: the request a consumer sends, and the checks every response
 * must pass — the DSTU2 Bundle's structure and the profile rules of access-record-html.md §4, and
 * the narrative rules of §5 (well-formed XHTML, allowed elements and attributes, no line breaks or
 * tabs, no entity but XML's own) — before a test looks at the content.
 */

type Json = Record<string, unknown>;

const ALLOWED_ELEMENTS = new Set(['div', 'h1', 'h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br']);
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = { table: ['id'], div: ['class', 'xmlns'], td: ['class'] };

type XmlNode = Record<string, unknown>;
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', trimValues: false });

interface Element {
  name: string;
  attributes: Json;
  children: XmlNode[];
}

/** Every element under `nodes`, depth first in document order. */
function* elements(nodes: XmlNode[]): Generator<Element> {
  for (const node of nodes) {
    const [name] = Object.keys(node).filter((k) => k !== ':@');
    if (name === undefined || name === '#text') continue;
    const children = node[name] as XmlNode[];
    yield { name, attributes: (node[':@'] as Json | undefined) ?? {}, children };
    yield* elements(children);
  }
}

function textOf(nodes: XmlNode[]): string {
  return nodes.map((n) => (n['#text'] !== undefined ? String(n['#text']) : 'br' in n ? '\n' : textOf((Object.entries(n).find(([k]) => k !== ':@')?.[1] ?? []) as XmlNode[]))).join('');
}

const findElement = (nodes: XmlNode[], match: (element: Element) => boolean) => [...elements(nodes)].find(match)?.children;

/** A parsed narrative, searchable by element. */
export class Narrative {
  constructor(readonly markup: string, private readonly nodes: XmlNode[]) {}

  /** Text of every element named `name`, in document order (line breaks as newlines). */
  texts(name: string): string[] {
    return [...elements(this.nodes)].filter((e) => e.name === name).map((e) => textOf(e.children));
  }

  /** The table with this id: its header and the text of each body cell. */
  table(id: string): { columns: string[]; rows: string[][] } | undefined {
    const table = findElement(this.nodes, (e) => e.name === 'table' && e.attributes['id'] === id);
    if (!table) return undefined;
    const section = (name: string) => findElement(table, (e) => e.name === name) ?? [];
    const rowsOf = (nodes: XmlNode[]) => nodes.filter((n) => 'tr' in n).map((tr) => (tr['tr'] as XmlNode[]).filter((c) => 'td' in c || 'th' in c).map((c) => textOf((c['td'] ?? c['th']) as XmlNode[])));
    return { columns: rowsOf(section('thead'))[0] ?? [], rows: rowsOf(section('tbody')) };
  }

  /** Texts of the banners of a kind (gptransfer-banner, content-banner, date-banner, exclusion-banner). */
  banners(kind: string): string[] {
    return [...elements(this.nodes)].filter((e) => e.name === 'div' && e.attributes['class'] === kind).map((e) => textOf(e.children));
  }
}

/** Asserts the §5 narrative rules and parses the narrative. */
export function checkNarrative(markup: string): Narrative {
  assert.equal(/[\r\n\t]/.test(markup), false, 'no carriage return, newline or tab in the narrative');
  assert.equal(XMLValidator.validate(markup), true, 'the narrative is well-formed XML');
  assert.equal(/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(markup), false, 'no entity beyond XML\'s own');
  const nodes = parser.parse(markup) as XmlNode[];
  for (const { name, attributes } of elements(nodes)) {
    assert.ok(ALLOWED_ELEMENTS.has(name), `element <${name}> is not allowed in the narrative`);
    for (const attribute of Object.keys(attributes)) assert.ok(ALLOWED_ATTRIBUTES[name]?.includes(attribute), `attribute ${attribute} is not allowed on <${name}>`);
  }
  assert.equal(nodes.filter((n) => !('#text' in n)).length, 1, 'one root div');
  return new Narrative(markup, nodes);
}

export interface CareRecordResponse {
  bundle: Json;
  resources: Json[];
  composition: Json;
  narrative: Narrative;
}

/** Asks for a section; checks the Bundle (structure and §4 rules) and the narrative (§5). */
export async function getCareRecord(provider: ProviderUnderTest, ask: CareRecordAsk, init: { query?: string } = {}): Promise<CareRecordResponse> {
  const response = await provider.send('getCareRecord', {
    body: careRecordParameters(ask),
    requestedRecord: { nhsNumber: ask.nhsNumber },
    ...(init.query ? { path: `Patient/$gpc.getcarerecord?${init.query}` } : {}),
  });
  return checkCareRecordBundle(expectDstu2Bundle(response), ask.section);
}

/** A 200 in the 0.7.x media type (access-record-html.md §1), uncacheable, holding a Bundle. */
export function expectDstu2Bundle(response: LightMyRequestResponse, format: 'json' | 'xml' = 'json'): Json {
  assert.equal(response.statusCode, 200, `expected 200, got ${response.statusCode}: ${response.body.slice(0, 400)}`);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['content-type'], `application/${format}+fhir;charset=utf-8`);
  const body = fhirBody(response);
  assert.equal(body['resourceType'], 'Bundle');
  return body;
}

export function checkCareRecordBundle(bundle: Json, section: string): CareRecordResponse {
  assert.deepEqual(checkStructure(bundle, { expectedType: 'Bundle', release: 'dstu2' }), [], 'the Bundle is valid DSTU2');
  assert.equal(bundle['type'], 'searchset');
  assert.deepEqual((bundle['meta'] as Json)['profile'], ['http://fhir.nhs.net/StructureDefinition/gpconnect-searchset-bundle-1']);
  const resources = (bundle['entry'] as { resource: Json }[]).map((e) => e.resource);
  const [composition] = resources;
  assert.equal(composition?.['resourceType'], 'Composition', 'the Composition comes first');
  assert.deepEqual((composition['meta'] as Json)['profile'], ['http://fhir.nhs.net/StructureDefinition/gpconnect-carerecord-composition-1']);
  assert.equal(composition['title'], 'Patient Care Record');
  assert.equal(composition['status'], 'final');
  assert.deepEqual((composition['type'] as { coding: Json[] }).coding[0], { system: 'http://snomed.info/sct', code: '425173008', display: 'record extract (record artifact)' });
  assert.deepEqual((composition['class'] as { coding: Json[] }).coding[0], { system: 'http://snomed.info/sct', code: '700232004', display: 'general medical service (qualifier value)' });
  // Every reference resolves inside the Bundle, to the resource type §4 says.
  const held = new Set(resources.map((r) => `${r['resourceType'] as string}/${r['id'] as string}`));
  const references = JSON.stringify(bundle).matchAll(/"reference":"([^"]+)"/g);
  for (const [, reference] of references) assert.ok(held.has(reference!), `${reference} resolves inside the Bundle`);
  assert.match((composition['subject'] as Json)['reference'] as string, /^Patient\//);
  assert.match((composition['custodian'] as Json)['reference'] as string, /^Organization\//);
  assert.match((composition['author'] as Json[])[0]!['reference'] as string, /^Device\//);
  const sections = composition['section'] as Json[];
  assert.equal(sections.length, 1);
  const code = (sections[0]!['code'] as { coding: Json[]; text: string });
  assert.deepEqual(code.coding, [{ system: 'http://fhir.nhs.net/ValueSet/gpconnect-record-section-1', code: section }]);
  assert.equal(code.text, sections[0]!['title']);
  const text = sections[0]!['text'] as Json;
  assert.equal(text['status'], 'generated');
  const narrative = checkNarrative(text['div'] as string);
  assert.deepEqual(narrative.texts('h1'), [sections[0]!['title']], 'the section title is the one h1');
  return { bundle, resources, composition, narrative };
}
