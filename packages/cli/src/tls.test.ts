import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpconnectHeaders } from '@gpconnect/provider/testing';
import { runCli, startUp } from './test-support.ts';

/** One HTTPS GET presenting `certificate` (or none); resolves with the status and body. */
function httpsGet(url: string, headers: Record<string, string>, tls: { ca: string; key?: string; cert?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, ...tls }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gpconnect up with mutual TLS, the default (general.md §11), and the consumer commands through it', () => {
  let dataDir: string;
  let system: Awaited<ReturnType<typeof startUp>>;
  /** The consumer commands' settings for this system: its data directory (PKI) and the simulators' URLs. */
  let consumerEnv: Record<string, string>;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-tls-'));
    system = await startUp({ GPCONNECT_DATA_DIR: dataDir, GPCONNECT_TLS: 'mutual' });
    const url = (label: string) => new RegExp(`${label} on (\\S+)`).exec(system.banner)![1]!;
    consumerEnv = { GPCONNECT_DATA_DIR: dataDir, GPCONNECT_PDS_URL: url('PDS simulator \\(FHIR R4\\)'), GPCONNECT_SDS_URL: url('SDS simulator \\(FHIR R4\\)'), GPCONNECT_SSP_URL: url('Spine Secure Proxy') };
  });
  after(async () => {
    assert.equal((await system.stop()).code, 0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a local CA is made on first run; consumers reach the provider through the proxy with the consumer certificate, and not without one', async () => {
    {
      assert.match(system.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const pki = join(dataDir, 'pki');
      assert.ok(system.banner.includes(`consumers present ${join(pki, 'consumer.crt')}`));
      const sspUrl = /Spine Secure Proxy on (\S+)/.exec(system.banner)![1]!;
      assert.match(sspUrl, /^https:/);
      const tls = { ca: readFileSync(join(pki, 'ca.crt'), 'utf8'), key: readFileSync(join(pki, 'consumer.key'), 'utf8'), cert: readFileSync(join(pki, 'consumer.crt'), 'utf8') };
      const headers = gpconnectHeaders('metadata', { toAsid: '918999198738', now: Math.floor(Date.now() / 1000) });
      const viaSsp = await httpsGet(`${sspUrl}/${system.url}/B82617/STU3/1/gpconnect/metadata`, headers, tls);
      assert.equal(viaSsp.status, 200, viaSsp.body.slice(0, 300));
      assert.equal((JSON.parse(viaSsp.body) as { resourceType: string }).resourceType, 'CapabilityStatement');
      await assert.rejects(httpsGet(`${system.url}/B82617/STU3/1/gpconnect/metadata`, headers, { ca: tls.ca }), 'no client certificate, no connection');
      const pdsUrl = /PDS simulator \(FHIR R4\) on (\S+)/.exec(system.banner)![1]!;
      const traced = await httpsGet(`${pdsUrl}/Patient/9690937286`, { 'x-request-id': '60e4f6e5-3a2e-4a51-9d0f-8b0c2f1e7a11' }, { ca: tls.ca });
      assert.equal(traced.status, 200, 'PDS is TLS without client certificates');
    }
  });

  test('consumer commands: trace, slots, book, appointments and cancel, each through PDS, SDS and the proxy', async () => {
    const cli = async (...args: string[]) => {
      const result = await runCli(args, consumerEnv);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    assert.match(await cli('trace', '9690937286'), /9690937286\s+Mr Horace SKELLY\s+\S+\s+male\s+B82617/);
    assert.match(await cli('trace', '9690938533'), /\(restricted record\)/);
    const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const slotTable = await cli('slots', '--nhs-number', '9690937286', '--from', from, '--to', to);
    const [header, firstRow] = slotTable.split('\n');
    assert.match(header!, /^Slot\s+Start\s+End\s+Type\s+Channel\s+Practitioner\s+Location$/);
    const slotId = firstRow!.split(/\s+/)[0]!;
    const booked = await cli('book', '--nhs-number', '9690937286', '--slot', slotId, '--description', 'Review');
    const appointmentId = /Booked appointment (\S+) at B82617/.exec(booked)?.[1];
    assert.ok(appointmentId, booked);
    const listed = await cli('appointments', '9690937286', '--json');
    assert.ok((JSON.parse(listed) as { id: string; status: string }[]).some((a) => a.id === appointmentId && a.status === 'booked'));
    assert.match(await cli('cancel', appointmentId, '--nhs-number', '9690937286', '--reason', 'No longer needed'), /Cancelled appointment/);
    assert.match(await cli('appointments', '9690937286'), new RegExp(`${appointmentId}\\s+cancelled`));

    const allergies = await cli('record', '9690937286', '--allergies');
    assert.match(allergies, /^Mr Horace SKELLY \(NHS 9690937286\) at B82617/);
    assert.match(allergies, /active\s+Peanut - dietary\s+Vomiting/);
    assert.match(allergies, /ended\s+Aspirin 75mg dispersible tablet\s+Vomiting/);
    assert.match(await cli('record', '9690938118', '--allergies'), /Items excluded due to confidentiality/);
    const whole = await cli('record', '9690937286');
    assert.match(whole, /Metformin 500mg tablets\s+active\s+One tablet twice a day with meals\s+\d{4}-\d{2}-\d{2}/);
    assert.match(whole, /Medications and medical devices: Items excluded due to confidentiality/);
    assert.match(whole, /FBC - Full blood count: Haemoglobin estimation\s+142 g\/L\s+115 g\/L - 165 g\/L/);
    assert.match(whole, /On examination - blood pressure reading\s+\S+\s+Systolic arterial pressure 138 mm\[Hg\], Diastolic arterial pressure 86 mm\[Hg\]/);
    assert.match(whole, /Referral to physiotherapist/);
    assert.match(whole, /Medication review due/);
    assert.match(whole, /Stable angina\s+active\s+major\s+\S+\s+Aspirin 75mg dispersible tablets/);
    assert.match(whole, /First hepatitis A vaccination\s+inactive\s+minor\s+\S+\s+\S+\s+First hepatitis A vaccination/);
    // A dose is named by its vaccination procedure, not by a product recorded only as unknown.
    assert.match(whole, /^First hepatitis A vaccination\s+\d{4}-\d{2}-\d{2}\s+given$/m);
    assert.doesNotMatch(whole, /^Unknown\s/m);
    assert.match(whole, /Depressive disorder\s+active\s+minor\s+\S+\s+Referral to counselor; Surgery consultation/);
    assert.match(whole, /Surgery consultation\s+Hypertension review\s+Examination\s+On examination - blood pressure reading/);
    assert.match(whole, /Surgery consultation \(draft\)\s+Rash after antibiotics\s+History\s+Amoxicillin 250mg capsules/);
    assert.doesNotMatch(whole, /Not returned/, 'every section the command asks for is served');

    const documentTable = await cli('documents', '9690937286');
    assert.match(documentTable, /^Document\s+Type\s+Description\s+Created\s+Author\s+Format\s+Size\s+Note$/m);
    const pdfRow = documentTable.split('\n').find((line) => /Discharge summary/.test(line));
    assert.ok(pdfRow && /application\/pdf/.test(pdfRow), documentTable);
    const saved = join(dataDir, 'discharge.pdf');
    assert.match(await cli('fetch-document', '9690937286', pdfRow.split(/\s+/)[0]!, '--out', saved), /^Saved .*discharge\.pdf \(\d+ bytes, application\/pdf\)/);
    assert.equal(readFileSync(saved).subarray(0, 5).toString('latin1'), '%PDF-');
    const large = (await cli('documents', '9690937308')).split('\n').find((line) => /image\/png/.test(line));
    assert.ok(large, 'patient4 has a large image');
    const tooLarge = await runCli(['fetch-document', '9690937308', large.split(/\s+/)[0]!], consumerEnv);
    assert.equal(tooLarge.code, 1);
    assert.match(tooLarge.stderr, /cannot be retrieved/);

    const refused = await runCli(['slots', '--practice', 'B82617', '--from', from, '--to', to], { ...consumerEnv, GPCONNECT_CONSUMER_ASID: '123456789012' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^gpconnect: provider answered 403 ASID_CHECK_FAILED_MESSAGESENDER_123456789012/);
    const unknown = await runCli(['trace', '9999999999'], consumerEnv);
    assert.match(unknown.stderr, /^gpconnect: pds answered 404 RESOURCE_NOT_FOUND/);
  });

  test('care-record: an Access Record HTML section as text, with a period, as a page with the patient banner, as JSON, and refused', async () => {
    const cli = async (...args: string[]) => {
      const result = await runCli(args, consumerEnv);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    const allergies = await cli('care-record', '9690937286', '--section', 'ALL');
    const lines = allergies.split('\n');
    assert.match(lines[0]!, /^SKELLY, Horace \(Mr\)  NHS number 969 093 7286  Born 21-Apr-1925  Gender male  Practice B82617 COXWOLD SURGERY$/);
    assert.match(lines[1]!, /^Allergies and Adverse Reactions from B82617, generated \d{4}-\d{2}-\d{2}T/);
    assert.doesNotMatch(allergies, /Cross-check/, 'the practice and PDS agree');
    const current = lines.indexOf('Current Allergies and Adverse Reactions');
    const historical = lines.indexOf('Historical Allergies and Adverse Reactions');
    assert.ok(current > 0 && historical > current, allergies);
    assert.match(lines[current + 2]!, /^Start Date\s+Details$/);
    assert.match(lines.slice(current, historical).join('\n'), /\d{2}-\w{3}-\d{4}\s+Amoxicillin 250mg capsules\n\s+Reaction: O\/E - itchy rash \(mild\)\n\d{2}-\w{3}-\d{4}\s+Peanut - dietary\n/);
    assert.match(lines.slice(historical).join('\n'), /^Start Date\s+End Date\s+Details$\n\d{2}-\w{3}-\d{4}\s+\d{2}-\w{3}-\d{4}\s+Aspirin 75mg dispersible tablet$/m);

    const problems = await cli('care-record', '9690937286', '--section', 'prb', '--from', '2000-01-01', '--to', '2000-12-31');
    assert.match(problems, /^Date filter not applied$/m, 'active problems are never filtered');
    assert.match(problems, /^For the period '01-Jan-2000' to '31-Dec-2000'$/m);
    assert.match(problems, /No 'Other Inactive Problems and Issues' data is recorded for this patient\./);

    const page = join(dataDir, 'summary.html');
    assert.match(await cli('care-record', '9690937286', '--section', 'SUM', '--html', page), /^Saved .*summary\.html \(Summary from B82617, generated /);
    const html = readFileSync(page, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<header class="patient-banner"><div class="patient-name">SKELLY, Horace \(Mr\)<\/div><dl><div><dt>NHS number<\/dt><dd>969 093 7286<\/dd><\/div><div><dt>Born<\/dt><dd>21-Apr-1925<\/dd>/);
    const bundle = JSON.parse(await cli('care-record', '9690937286', '--section', 'SUM', '--json')) as { resourceType: string; entry: { resource: { section?: { text: { div: string } }[] } }[] };
    assert.equal(bundle.resourceType, 'Bundle');
    const narrative = bundle.entry[0]!.resource.section![0]!.text.div;
    assert.ok(html.includes(`<main class="care-record">${narrative}</main>`), 'the narrative exactly as the practice sent it');
    assert.match(html, /<h2>Current Allergies and Adverse Reactions<\/h2>.*Peanut - dietary/);

    const dissent = await runCli(['care-record', '9658220169', '--section', 'SUM'], consumerEnv);
    assert.equal(dissent.code, 1);
    assert.match(dissent.stderr, /^gpconnect: provider answered 403 NO_PATIENT_CONSENT/);
    const superseded = await runCli(['care-record', '9658220223', '--section', 'ALL'], consumerEnv);
    assert.equal(superseded.code, 1);
    assert.match(superseded.stderr, /^gpconnect: provider answered 404 PATIENT_NOT_FOUND/);
    const unknownSection = await runCli(['care-record', '9690937286', '--section', 'INV'], consumerEnv);
    assert.equal(unknownSection.code, 1);
    assert.match(unknownSection.stderr, /--section <code>' argument 'INV' is invalid\. must be one of SUM, PRB, ALL/);
  });

  test('GPCONNECT_TLS only takes mutual or off', async () => {
    const result = await runCli(['up'], { GPCONNECT_DATA_DIR: dataDir, GPCONNECT_TLS: 'on' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'gpconnect: GPCONNECT_TLS must be mutual or off, not "on"\n');
  });
});
