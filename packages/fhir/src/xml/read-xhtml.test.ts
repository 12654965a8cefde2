import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FhirXmlError } from './fhir-xml-error.ts';
import { readXhtml } from './read-xhtml.ts';

test('a narrative reads into elements and text, entities and character references resolved, prefixes and comments dropped', () => {
  const root = readXhtml('<xhtml:div xmlns:xhtml="http://www.w3.org/1999/xhtml"><p class="a&amp;b">1 &lt; 2&#160;&#x41;<!-- note --><br/><![CDATA[<raw> & text]]></p></xhtml:div>');
  assert.deepEqual(root, {
    name: 'div',
    attributes: { 'xmlns:xhtml': 'http://www.w3.org/1999/xhtml' },
    children: [{ name: 'p', attributes: { class: 'a&b' }, children: ['1 < 2\u00a0A', { name: 'br', attributes: {}, children: [] }, '<raw> & text'] }],
  });
});

test('not well-formed, a DTD, an HTML entity or two roots is refused', () => {
  for (const markup of ['<div><p></div>', '<!DOCTYPE div><div/>', '<div>&nbsp;</div>', '<div/><div/>', 'text only']) {
    assert.throws(() => readXhtml(markup), FhirXmlError, markup);
  }
});
