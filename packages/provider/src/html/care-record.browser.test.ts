import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { gpconnectHeaders } from '../testing/consumer-request.ts';
import { NOW_SECONDS, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { careRecordParameters, checkCareRecordBundle } from './html-test-support.ts';

/**
 * Access Record HTML in a real browser (Debian's chromium, driven by playwright-core): every
 * free-text field of a record holds script, event handlers and broken markup, and each section,
 * put into a page as a consumer would show it, renders its tables with that text shown as text and
 * nothing executed. The summary of the richest roster patient is kept as a screenshot in
 * .test-artifacts/. CI installs chromium and sets GPC_REQUIRE_BROWSER, so there the test cannot skip.
 */

const CHROMIUM = process.env['GPC_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRED = process.env['GPC_REQUIRE_BROWSER'] === '1';
const ARTIFACTS = join(new URL('../../../..', import.meta.url).pathname, '.test-artifacts');
/** The roster's 1.x patient2: the most free text of any record, poisoned below. */
const RICH = '9690937286';
const RICH_ID = '2';
/** The HTML cohort's patient with data in every section (testdata README): its summary is the screenshot. */
const EVERY_SECTION = '9658218873';

/** Each tries to run code in the page; the page records any that does. */
const HOSTILE = [
  '<script>window.__ran.push("script")</script>',
  '<img src=x onerror="window.__ran.push(\'onerror\')">',
  '"><svg onload="window.__ran.push(\'svg\')"></svg>',
  "</td></tr></table></div><b onmouseover=\"window.__ran.push('b')\">broken",
  '<!-- ]]> &nbsp; &#0; <a href="javascript:window.__ran.push(\'a\')">link</a>',
];
const PAYLOAD = HOSTILE.join(' ');

/** The record's text fields, each with every payload in front of what it said. */
const FREE_TEXT_KEYS = new Set(['display', 'text', 'comment', 'description', 'title', 'valueString', 'reasonEnded']);

function poison(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(poison);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typeof inner === 'string' && FREE_TEXT_KEYS.has(key) ? `${PAYLOAD} ${inner}` : poison(inner)]));
}

const browserPresent = existsSync(CHROMIUM);
if (REQUIRED) assert.ok(browserPresent, `GPC_REQUIRE_BROWSER is set but ${CHROMIUM} is missing (.ci/run installs Debian's chromium)`);

const [backend] = testStoreBackends();

describe('Access Record HTML in a real browser', { skip: browserPresent ? false : `no browser at ${CHROMIUM}` }, () => {
  let provider: ProviderUnderTest;
  let browser: Browser;
  let base: string;

  before(async () => {
    provider = await startProvider(backend!);
    base = await provider.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await provider?.close();
  });

  /** A section over real HTTP, checked as every care record is. */
  async function careRecord(section: string, nhsNumber = RICH): Promise<string> {
    const headers = gpconnectHeaders('getCareRecord', { toAsid: PRACTICE.asid, now: NOW_SECONDS, requestedRecord: { nhsNumber } });
    const response = await fetch(`${base}/${PRACTICE.ods}/DSTU2/1/gpconnect/Patient/$gpc.getcarerecord`, {
      method: 'POST',
      headers: { ...headers, accept: 'application/json+fhir', 'content-type': 'application/json+fhir' },
      body: JSON.stringify(careRecordParameters({ nhsNumber, section })),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return checkCareRecordBundle((await response.json()) as Record<string, unknown>, section).narrative.markup;
  }

  /** The narrative in a page, as a consumer shows it: parsed by the browser as HTML. */
  async function show(markup: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"><script>window.__ran = [];</script><style>body{font-family:sans-serif}table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #999;padding:2px 6px;vertical-align:top}.date-banner,.exclusion-banner,.content-banner,.gptransfer-banner{background:#eef}</style></head><body>${markup}</body></html>`);
    return { page, dialogs };
  }

  test('the summary of the patient with data in every section renders its six tables; the screenshot is kept', async () => {
    const markup = await careRecord('SUM', EVERY_SECTION);
    const { page } = await show(markup);
    assert.equal(await page.locator('h1').innerText(), 'Summary');
    assert.equal(await page.locator('table').count(), 6);
    assert.ok((await page.locator('#all-tab-curr').innerText()).includes('Peanut - dietary'));
    assert.ok((await page.locator('#med-tab-curr-rep').innerText()).includes('Aspirin 75mg dispersible tablets'));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'care-record-summary.png'), fullPage: true });
    await page.close();
  });

  test('script, event handlers and broken markup in every free-text field: shown as text in every section, nothing runs', async () => {
    const rows = await provider.store.db.selectFrom('clinical_item').select(['id', 'resource']).where('practice_ods', '=', PRACTICE.ods).where('patient_id', '=', RICH_ID).execute();
    for (const row of rows) {
      await provider.store.db.updateTable('clinical_item').set({ resource: JSON.stringify(poison(JSON.parse(row.resource))) }).where('practice_ods', '=', PRACTICE.ods).where('id', '=', row.id).execute();
    }
    const practitioners = await provider.store.db.selectFrom('practitioner').select(['id', 'resource']).where('practice_ods', '=', PRACTICE.ods).execute();
    for (const row of practitioners) {
      const resource = JSON.parse(row.resource) as { name?: { family?: string }[] };
      for (const name of resource.name ?? []) name.family = `${PAYLOAD} ${name.family ?? ''}`;
      await provider.store.db.updateTable('practitioner').set({ resource: JSON.stringify(resource) }).where('practice_ods', '=', PRACTICE.ods).where('id', '=', row.id).execute();
    }

    for (const section of ['SUM', 'PRB', 'ALL', 'MED', 'ENC', 'CLI', 'REF', 'OBS', 'IMM', 'ADM']) {
      const markup = await careRecord(section);
      const { page, dialogs } = await show(markup);
      const ran = await page.evaluate(() => (globalThis as unknown as { __ran: string[] }).__ran);
      assert.deepEqual(ran, [], `${section}: nothing ran`);
      assert.deepEqual(dialogs, [], `${section}: no dialog opened`);
      // Only the narrative's own elements exist: no script, image, svg, link or bold element was made from the text.
      assert.equal(await page.locator('body script, img, svg, a, b').count(), 0, `${section}: no element made from record text`);
      assert.equal(await page.locator('table').count(), (markup.match(/<table /g) ?? []).length, `${section}: every table rendered`);
      const shown = await page.locator('body').innerText();
      if (section !== 'CLI') assert.ok(shown.includes(HOSTILE[0]!) && shown.includes(HOSTILE[3]!), `${section}: the record text is on the page as text`);
      await page.close();
    }
  });
});
