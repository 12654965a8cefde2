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

describe('gpconnect up with mutual TLS, the default (general.md §11)', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-tls-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a local CA is made on first run; consumers reach the provider through the proxy with the consumer certificate, and not without one', async () => {
    const system = await startUp({ GPCONNECT_DATA_DIR: dataDir, GPCONNECT_TLS: 'mutual' });
    try {
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
    } finally {
      assert.equal((await system.stop()).code, 0);
    }
  });

  test('GPCONNECT_TLS only takes mutual or off', async () => {
    const result = await runCli(['up'], { GPCONNECT_DATA_DIR: dataDir, GPCONNECT_TLS: 'on' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'gpconnect: GPCONNECT_TLS must be mutual or off, not "on"\n');
  });
});
