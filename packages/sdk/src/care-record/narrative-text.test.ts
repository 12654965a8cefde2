import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FhirXmlError } from '@gpconnect/fhir';
import { formatTextTable, narrativeLines, readNarrative } from './narrative-text.ts';

/** A narrative laid out as access-record-html.md §5 prescribes (the provider's ALL and MED shapes). */
const ALLERGIES =
  '<div xmlns="http://www.w3.org/1999/xhtml"><h1>Allergies and Adverse Reactions</h1>' +
  '<div class="gptransfer-banner"><p>Patient record transfer from previous GP practice not yet complete; information recorded before 01-Nov-2026 may be missing</p></div>' +
  '<div><h2>Current Allergies and Adverse Reactions</h2><div class="exclusion-banner"><p>Items excluded due to confidentiality and/or patient preferences</p></div>' +
  '<table id="all-tab-curr"><thead><tr><th>Start Date</th><th>Details</th></tr></thead><tbody>' +
  '<tr><td class="date-column">23-Nov-2012</td><td>Amoxicillin 250mg capsules<br/>Reaction: O/E - itchy rash (mild)</td></tr>' +
  '<tr><td class="date-column">23-Nov-1996</td><td>Peanut &amp; tree nut - dietary &lt;severe&gt;<br/>Reaction: Vomiting</td></tr>' +
  '</tbody></table></div>' +
  "<div><h2>Historical Allergies and Adverse Reactions</h2><div><p>No 'Historical Allergies and Adverse Reactions' data is recorded for this patient.</p></div></div></div>";

const MEDICATION_ISSUES =
  '<div xmlns="http://www.w3.org/1999/xhtml"><h1>Medications</h1><div><h2>All Medication Issues</h2><div class="date-banner"><p>For the period \'01-Oct-2021\' to \'31-Oct-2021\'</p></div>' +
  '<table id="med-tab-all-iss"><thead><tr><th>Type</th><th>Issue Date</th><th>Medication Item</th></tr></thead><tbody>' +
  '<tr><td class="med-item-column">Aspirin 75mg dispersible tablets</td><td></td><td></td></tr>' +
  '<tr><td>Repeat</td><td class="date-column">25-Oct-2026</td><td>Aspirin 75mg dispersible tablets</td></tr>' +
  '</tbody></table></div></div>';

test('a §5 narrative reads as headings, banners, notices and tables, cells keeping their line breaks and text its escapes undone', () => {
  assert.deepEqual(readNarrative(ALLERGIES), [
    { kind: 'heading', level: 1, text: 'Allergies and Adverse Reactions' },
    { kind: 'banner', banner: 'gptransfer-banner', text: 'Patient record transfer from previous GP practice not yet complete; information recorded before 01-Nov-2026 may be missing' },
    { kind: 'heading', level: 2, text: 'Current Allergies and Adverse Reactions' },
    { kind: 'banner', banner: 'exclusion-banner', text: 'Items excluded due to confidentiality and/or patient preferences' },
    {
      kind: 'table',
      id: 'all-tab-curr',
      columns: ['Start Date', 'Details'],
      rows: [
        ['23-Nov-2012', 'Amoxicillin 250mg capsules\nReaction: O/E - itchy rash (mild)'],
        ['23-Nov-1996', 'Peanut & tree nut - dietary <severe>\nReaction: Vomiting'],
      ],
    },
    { kind: 'heading', level: 2, text: 'Historical Allergies and Adverse Reactions' },
    { kind: 'paragraph', text: "No 'Historical Allergies and Adverse Reactions' data is recorded for this patient." },
  ]);
});

test('as terminal lines: titles underlined, banners on their own lines, tables aligned with multi-line cells', () => {
  assert.deepEqual(narrativeLines(ALLERGIES), [
    'Allergies and Adverse Reactions',
    '===============================',
    'Patient record transfer from previous GP practice not yet complete; information recorded before 01-Nov-2026 may be missing',
    '',
    'Current Allergies and Adverse Reactions',
    '---------------------------------------',
    'Items excluded due to confidentiality and/or patient preferences',
    '',
    'Start Date   Details',
    '23-Nov-2012  Amoxicillin 250mg capsules',
    '             Reaction: O/E - itchy rash (mild)',
    '23-Nov-1996  Peanut & tree nut - dietary <severe>',
    '             Reaction: Vomiting',
    '',
    'Historical Allergies and Adverse Reactions',
    '------------------------------------------',
    "No 'Historical Allergies and Adverse Reactions' data is recorded for this patient.",
  ]);
  assert.deepEqual(narrativeLines(MEDICATION_ISSUES).slice(5), [
    "For the period '01-Oct-2021' to '31-Oct-2021'",
    '',
    'Type                              Issue Date   Medication Item',
    'Aspirin 75mg dispersible tablets',
    'Repeat                            25-Oct-2026  Aspirin 75mg dispersible tablets',
  ]);
});

test("another system's narrative: loose header cells, tables inside paragraphs, white space, lists and character references", () => {
  // The 0.7.4 specification's own example response, laid out before §5's rules.
  const example = JSON.parse(readFileSync(new URL('../../../fhir/src/__fixtures__/spec-examples/access-record-html-getcarerecord-response.json', import.meta.url), 'utf8')) as {
    entry: { resource: { section?: { text: { div: string } }[] } }[];
  };
  const lines = narrativeLines(example.entry[0]!.resource.section![0]!.text.div);
  assert.deepEqual(lines.slice(0, 3), ['Allergies and Adverse Reactions', '===============================', 'All Data Items']);
  assert.ok(lines.includes('Start date   Details'), lines.join('\n'));
  assert.ok(lines.includes('31 Oct 2016  Latex allergy'));
  assert.ok(lines.includes('This system does not support retrieval of Historical Allergies and Adverse Reactions data.'));
  const loose = '<div>\n  <p>Seen   by\n Dr&#160;Jones<br/>at 10:00</p><ul><li>one</li><li><b>two</b> items</li></ul>tail text</div>';
  assert.deepEqual(narrativeLines(loose), ['Seen by Dr\u00a0Jones', 'at 10:00', '- one', '- two items', 'tail text']);
});

test('a narrative that is not well-formed XHTML, or declares entities, is refused', () => {
  assert.throws(() => readNarrative('<div><p>open</div>'), FhirXmlError);
  assert.throws(() => readNarrative('<!DOCTYPE div [<!ENTITY x "y">]><div>&x;</div>'), FhirXmlError);
  assert.throws(() => readNarrative('<div>&nbsp;</div>'), FhirXmlError, 'HTML entities are not XHTML narrative');
});

test('a text table pads every column but the last; single-line cells give one line a row', () => {
  assert.deepEqual(formatTextTable(['A', 'Long header', 'C'], [['xx', '', 'z'], ['y', 'b\nbb', '']]), ['A   Long header  C', 'xx               z', 'y   b', '    bb']);
});
