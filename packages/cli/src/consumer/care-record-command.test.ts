import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CareRecord } from '@gpconnect/sdk';
import { careRecordPage } from './care-record-command.ts';

const XHTML = '<div xmlns="http://www.w3.org/1999/xhtml"><h1>Summary</h1><div class="date-banner"><p>All relevant items</p></div><table id="enc-tab"><thead><tr><th>Date</th></tr></thead><tbody><tr><td class="date-column">05-Jan-2017</td></tr></tbody></table></div>';

const record = (changes: Partial<CareRecord['demographics']> = {}): CareRecord => ({
  section: { code: 'SUM', title: 'Summary' },
  xhtml: XHTML,
  date: '2026-11-24T10:00:00+00:00',
  demographics: {
    nhsNumber: '9690937286',
    family: 'Skelly',
    given: ['Horace'],
    prefix: ['Mr'],
    gender: 'male',
    birthDate: '1925-04-21',
    deceasedDateTime: '2026-11-17T00:00:00+00:00',
    managingOrganisationOds: 'B82617',
    managingOrganisationName: 'COXWOLD SURGERY',
    ...changes,
  },
  bundle: {},
});

test('the page: a patient banner with every cross-check field, then the narrative exactly as sent, nothing allowed to run', () => {
  const page = careRecordPage(record(), []);
  assert.match(page, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
  assert.match(page, /<title>Summary: Mr Horace Skelly<\/title>/);
  assert.ok(
    page.includes(
      '<header class="patient-banner"><div class="patient-name">SKELLY, Horace (Mr)</div><dl>' +
        '<div><dt>NHS number</dt><dd>969 093 7286</dd></div><div><dt>Born</dt><dd>21-Apr-1925</dd></div><div><dt>Gender</dt><dd>male</dd></div>' +
        '<div><dt>Died</dt><dd>17-Nov-2026</dd></div><div><dt>Practice</dt><dd>B82617 COXWOLD SURGERY</dd></div></dl>' +
        '<p class="provenance">Summary from B82617, generated 2026-11-24T10:00:00+00:00</p></header>',
    ),
    page,
  );
  assert.ok(page.includes(`<main class="care-record">${XHTML}</main>`));
  assert.doesNotMatch(page, /<ul class="cross-check">/);
});

test('banner values and cross-check differences are escaped; the narrative is not touched', () => {
  const page = careRecordPage(record({ family: '<script>alert(1)</script>', given: ['"Ho" & \'Ra\''], managingOrganisationName: 'A<b>' }), ['Family name: the practice says <x>, PDS says y']);
  assert.ok(page.includes('<div class="patient-name">&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;, &quot;Ho&quot; &amp; &#39;Ra&#39; (Mr)</div>'));
  assert.ok(page.includes('<title>Summary: Mr &quot;Ho&quot; &amp; &#39;Ra&#39; &lt;script&gt;alert(1)&lt;/script&gt;</title>'));
  assert.ok(page.includes('<dd>B82617 A&lt;b&gt;</dd>'));
  assert.ok(page.includes('<ul class="cross-check"><li>Family name: the practice says &lt;x&gt;, PDS says y</li></ul>'));
  assert.equal(page.match(/<script/gi), null, 'no script element anywhere');
  assert.ok(page.includes(XHTML));
});
