import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { checkStructure } from '../structure/check-structure.ts';
import { fhirJsonTextToXml, fhirJsonToXml } from './to-xml.ts';
import { fhirXmlToJson } from './from-xml.ts';
import { FhirXmlError } from './fhir-xml-error.ts';

const EXAMPLES = new URL('../__fixtures__/spec-examples/', import.meta.url);
const NS = 'xmlns="http://hl7.org/fhir"';
const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';

/** FHIR JSON requires the div's XHTML namespace declaration; XML output adds it where an example leaves it out. */
function withDivNamespace(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withDivNamespace);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === 'div' && typeof item === 'string' && !/^<div[^>]*xmlns=/.test(item) ? item.replace(/^<div/, `<div ${XHTML}`) : withDivNamespace(item),
    ]),
  );
}

describe('every spec example: JSON -> XML -> JSON', () => {
  const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json'));
  let roundTripped = 0;
  for (const file of files) {
    test(file, () => {
      const json = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8'));
      const release = file.startsWith('access-record-html') ? 'dstu2' : 'stu3';
      let xml: string;
      try {
        xml = fhirJsonToXml(json, release);
      } catch (error) {
        // Only JSON that is not well-formed FHIR may be refused (some published examples are not:
        // JWT parts, R4 elements, single values where arrays belong).
        assert.ok(error instanceof FhirXmlError);
        assert.notDeepEqual(checkStructure(json, { release }), [], `${file} is valid yet refused: ${error.message}`);
        return;
      }
      assert.deepEqual(fhirXmlToJson(xml, release), withDivNamespace(json));
      roundTripped++;
    });
  }
  test('most examples are writable resources and round-trip', () => {
    assert.ok(roundTripped >= 55, `only ${roundTripped} of ${files.length} round-tripped`);
  });
});

describe('JSON -> XML, checked by hand', () => {
  test('a Patient: root namespace, definition order whatever the JSON order, choices, primitive companions, attributes, contained, xhtml', () => {
    const patient = {
      birthDate: '1990-01-02',
      _birthDate: { id: 'b1', extension: [{ url: 'http://example.org/time', valueTime: '10:30:00' }] },
      gender: 'female',
      deceasedBoolean: false,
      name: [{ given: ['Ann', 'Marie'], family: 'Smith', use: 'official' }],
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }],
      resourceType: 'Patient',
      maritalStatus: { coding: [{ id: 'c1', code: 'M' }] },
      contained: [{ resourceType: 'Organization', id: 'org1', name: 'A & B <Surgery>' }],
      text: { status: 'generated', div: `<div ${XHTML}><p>Ann &amp; <b>Smith</b></p></div>` },
      extension: [{ url: 'http://example.org/ext', valueQuantity: { value: 1.5, unit: 'kg' } }],
      id: 'p1',
      meta: { versionId: '2' },
    };
    assert.equal(
      fhirJsonToXml(patient),
      `<Patient ${NS}><id value="p1"/><meta><versionId value="2"/></meta>` +
        `<text><status value="generated"/><div ${XHTML}><p>Ann &amp; <b>Smith</b></p></div></text>` +
        `<contained><Organization><id value="org1"/><name value="A &amp; B &lt;Surgery&gt;"/></Organization></contained>` +
        `<extension url="http://example.org/ext"><valueQuantity><value value="1.5"/><unit value="kg"/></valueQuantity></extension>` +
        `<identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9000000009"/></identifier>` +
        `<name><use value="official"/><family value="Smith"/><given value="Ann"/><given value="Marie"/></name>` +
        `<gender value="female"/>` +
        `<birthDate id="b1" value="1990-01-02"><extension url="http://example.org/time"><valueTime value="10:30:00"/></extension></birthDate>` +
        `<deceasedBoolean value="false"/>` +
        `<maritalStatus><coding id="c1"><code value="M"/></coding></maritalStatus>` +
        `</Patient>`,
    );
  });

  test('a Bundle wraps each entry resource in <resource>', () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'a' }, fullUrl: 'urn:x' }] };
    assert.equal(
      fhirJsonToXml(bundle),
      `<Bundle ${NS}><type value="searchset"/><entry><fullUrl value="urn:x"/><resource><Patient><id value="a"/></Patient></resource></entry></Bundle>`,
    );
  });

  test('a decimal keeps the digits it was written with when the JSON text is converted (precision is meaning)', () => {
    const json = '{"resourceType":"Observation","status":"final","code":{"text":"Body weight"},"valueQuantity":{"value":72.50,"unit":"kg"}}';
    assert.match(fhirJsonTextToXml(json), /<valueQuantity><value value="72\.50"\/><unit value="kg"\/><\/valueQuantity>/);
    assert.match(fhirJsonToXml(JSON.parse(json)), /<value value="72\.5"\/>/, 'a parsed number has already lost them');
  });

  test('repeating primitives with nulls line up with their _element companions', () => {
    const patient = { resourceType: 'Patient', name: [{ given: ['Ann', null, 'Jo'], _given: [null, { extension: [{ url: 'http://e', valueCode: 'x' }] }, { id: 'g3' }] }] };
    const xml = fhirJsonToXml(patient);
    assert.match(xml, /<given value="Ann"\/><given><extension url="http:\/\/e"><valueCode value="x"\/><\/extension><\/given><given id="g3" value="Jo"\/>/);
    assert.deepEqual(fhirXmlToJson(xml), patient);
  });

  test('text that XML would alter (quotes, newlines, tabs, markup) survives a round trip', () => {
    const patient = { resourceType: 'Patient', name: [{ text: 'a "b"\n\tc <d> & \'e\' \u00e9' }] };
    assert.deepEqual(fhirXmlToJson(fhirJsonToXml(patient)), patient);
  });

  test('an element the model does not know, or a malformed div, is refused', () => {
    assert.throws(() => fhirJsonToXml({ resourceType: 'Patient', colour: 'blue' }), /Patient.colour: unknown element 'colour'/);
    assert.throws(() => fhirJsonToXml({ resourceType: 'Nope' }), FhirXmlError);
    assert.throws(() => fhirJsonToXml({ resourceType: 'Patient', id: 'a\u0001' }), /control character/);
    assert.throws(() => fhirJsonToXml({ resourceType: 'Patient', text: { status: 'generated', div: '<div><p></div>' } }), /not well-formed/);
  });

  test('DSTU2 uses its own model (Conformance exists there, careProvider order)', () => {
    const conformance = { resourceType: 'Conformance', fhirVersion: '1.0.2', kind: 'instance', status: 'active' };
    assert.equal(fhirJsonToXml(conformance, 'dstu2'), `<Conformance ${NS}><status value="active"/><kind value="instance"/><fhirVersion value="1.0.2"/></Conformance>`);
    assert.throws(() => fhirJsonToXml(conformance, 'stu3'), FhirXmlError);
  });
});

describe('XML -> JSON from hand-written XML', () => {
  test('declaration, comments and layout are ignored; value types come from the datatypes', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<Observation xmlns="http://hl7.org/fhir">
  <id value="o1"/>
  <status value="final"/>
  <code><text value="Weight"/></code>
  <valueQuantity><value value="72.50"/><unit value="kg"/></valueQuantity>
  <component>
    <code><coding><code value="x"/><userSelected value="true"/></coding></code>
    <valueRange><low><value value="3"/></low></valueRange>
  </component>
</Observation>`;
    assert.deepEqual(fhirXmlToJson(xml), {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'Weight' },
      valueQuantity: { value: 72.5, unit: 'kg' },
      component: [{ code: { coding: [{ code: 'x', userSelected: true }] }, valueRange: { low: { value: 3 } } }],
    });
  });

  test('the div keeps its markup as written, character references are decoded elsewhere', () => {
    const xml = `<Patient ${NS}><text><status value="generated"/><div ${XHTML}>a &amp; <br/><i>b</i></div></text><name><family value="O&#39;Neil&#x20;&quot;x&quot;"/></name></Patient>`;
    assert.deepEqual(fhirXmlToJson(xml), {
      resourceType: 'Patient',
      text: { status: 'generated', div: `<div ${XHTML}>a &amp; <br/><i>b</i></div>` },
      name: [{ family: 'O\'Neil "x"' }],
    });
  });

  test('malformed, DTD-bearing or non-FHIR XML is refused with a reason', () => {
    const refused = (xml: string, reason: RegExp) => assert.throws(() => fhirXmlToJson(xml), (e: unknown) => e instanceof FhirXmlError && reason.test(e.message));
    refused(`<Patient ${NS}><id value="a"></Patient>`, /not well-formed/);
    refused(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Patient ${NS}><id value="&e;"/></Patient>`, /DTD/);
    refused(`<Patient><id value="a"/></Patient>`, /FHIR namespace/);
    refused(`<Patient ${NS}>text<id value="a"/></Patient>`, /no text content/);
    refused(`<Patient ${NS}><id value="&nbsp;"/></Patient>`, /unknown entity/);
    refused(`<Patient ${NS}><id value="&#0;"/></Patient>`, /not a character XML allows/);
    refused(`<Patient ${NS}><id value="&#x110000;"/></Patient>`, /not a character XML allows/);
    refused(`<Patient ${NS}><gender value="male"/><gender value="female"/></Patient>`, /does not repeat/);
    refused('', /root element|not well-formed/);
  });

  test('an unknown element or resource type is carried into the JSON, where the structure check reports it as for JSON', () => {
    const json = fhirXmlToJson(`<Patient ${NS}><colour value="blue"/></Patient>`);
    assert.deepEqual(checkStructure(json), [{ location: 'Patient.colour', message: "unknown element 'colour'" }]);
    assert.deepEqual(checkStructure(fhirXmlToJson(`<Nope ${NS}><id value="1"/></Nope>`)), [{ location: 'Resource', message: 'resourceType "Nope" is not a resource type' }]);
    const parameters = fhirXmlToJson(`<Parameters ${NS}><parameter><name value="p"/><resource><Nope/></resource></parameter></Parameters>`);
    assert.match(checkStructure(parameters)[0]!.message, /"Nope" is not a resource type/);
  });
});

describe('property: random Patients round-trip', () => {
  const text = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
  const extension = fc.record({ url: fc.constantFrom('http://a.example/x', 'http://b.example/y'), valueString: text });
  const humanName = fc.record(
    { use: fc.constantFrom('usual', 'official'), family: text, given: fc.array(text, { minLength: 1, maxLength: 3 }), id: fc.constantFrom('n1', 'n2') },
    { requiredKeys: [] },
  );
  const patient = fc.record(
    {
      id: fc.constantFrom('a', 'b-1'),
      active: fc.boolean(),
      name: fc.array(humanName.filter((n) => Object.keys(n).length > 0), { minLength: 1, maxLength: 2 }),
      gender: fc.constantFrom('male', 'female', 'other', 'unknown'),
      birthDate: fc.constantFrom('1990', '1990-02', '1990-02-03'),
      _birthDate: fc.record({ extension: fc.array(extension, { minLength: 1, maxLength: 2 }) }),
      multipleBirthInteger: fc.integer({ min: 1, max: 9 }),
      extension: fc.array(extension, { minLength: 1, maxLength: 2 }),
      telecom: fc.array(fc.record({ system: fc.constantFrom('phone', 'email'), value: text, rank: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  test('JSON -> XML -> JSON is the identity', () => {
    fc.assert(
      fc.property(patient, (p) => {
        // fast-check builds null-prototype records; FHIR JSON has plain objects.
        const resource = JSON.parse(JSON.stringify({ resourceType: 'Patient', ...p }));
        assert.deepEqual(checkStructure(resource), []);
        assert.deepEqual(fhirXmlToJson(fhirJsonToXml(resource)), resource);
      }),
      { numRuns: 200 },
    );
  });
});
