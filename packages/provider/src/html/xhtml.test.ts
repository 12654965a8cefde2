import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { element, narrative, text } from './xhtml.ts';

/** Record text is text: whatever a clinician or another system typed comes out as the same characters, never as markup. */

const parser = new XMLParser({ preserveOrder: false, ignoreAttributes: false, trimValues: false, processEntities: true, parseTagValue: false });

/** What the narrative shows of a string: XML cannot carry some control characters, tabs are spaces, line breaks are <br/>. */
const shown = (value: string) =>
  value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/\t/g, ' ')
    .split(/\r\n|\r|\n/);

describe('xhtml', () => {
  test('markup, entities and event handlers in record text stay text', () => {
    const hostile = `<script>alert(1)</script><img src=x onerror="alert(2)">&nbsp;'quoted' & "double"`;
    const markup = narrative(element('p', null, hostile));
    assert.equal(markup, `<div xmlns="http://www.w3.org/1999/xhtml"><p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror="alert(2)"&gt;&amp;nbsp;'quoted' &amp; "double"</p></div>`);
  });

  test('line breaks become <br/>, tabs spaces; no CR, LF or tab remains', () => {
    assert.equal(text('one\r\ntwo\nthree\rfour\tfive').markup, 'one<br/>two<br/>three<br/>four five');
  });

  test('attribute values cannot close their quotes', () => {
    assert.equal(element('td', { class: 'a" onclick="x' }, 'v').markup, '<td class="a&quot; onclick=&quot;x">v</td>');
  });

  test('any string: the narrative is well-formed, has one element, and reads back as the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        const markup = narrative(element('p', null, value));
        assert.equal(/[\r\n\t]/.test(markup), false);
        assert.equal(XMLValidator.validate(markup), true, markup);
        const lines = markup.slice(markup.indexOf('<p>') + 3, markup.lastIndexOf('</p>')).split('<br/>');
        assert.deepEqual(
          lines.map((line) => String((parser.parse(`<x>${line}</x>`) as { x: unknown }).x ?? '')),
          shown(value),
        );
      }),
      { seed: 20261201, numRuns: 500 },
    );
  });
});
