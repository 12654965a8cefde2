import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildProvider, type Provider } from '@gpconnect/provider';
import { gpconnectHeaders } from '@gpconnect/provider/testing';
import type { Store } from '@gpconnect/store';
import { loadNationalRoster } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { buildSsp } from '../ssp/ssp-app.ts';
import { ensureLocalPki, type LocalPki } from './local-pki.ts';
import { mutualTlsClientOptions, mutualTlsServerOptions } from './tls-options.ts';

interface Result {
  status: number;
  body: string;
  protocol: string | null;
  cipher: string;
}

/** One HTTPS GET with the given client TLS settings. */
function httpsGet(url: string, tls: object, headers: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, agent: false, ...tls }, (res) => {
      const socket = res.socket as TLSSocket;
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName }));
    });
    req.on('error', reject);
    req.end();
  });
}

// One backend is enough: this is about the transport, not the store.
const backend = testStoreBackends()[0]!;

describe('mutual TLS on both legs: consumer -> SSP -> provider (general.md §11)', () => {
  let dir: string;
  let pki: LocalPki;
  let store: Store;
  let provider: Provider;
  let ssp: FastifyInstance;
  let sspUrl: string;
  let providerUrl: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpconnect-pki-'));
    pki = await ensureLocalPki(dir);
    store = await backend.open();
    const now = new Date();
    await loadNationalRoster(store.db, { today: now.toISOString().slice(0, 10), now });
    provider = await buildProvider({ store, https: mutualTlsServerOptions(pki, 'provider') });
    providerUrl = (await provider.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    ssp = await buildSsp({ db: store.db, providerBaseUrl: providerUrl, consumers: [{ asid: '200000000359', odsCode: 'A20047' }], https: mutualTlsServerOptions(pki, 'spine'), upstreamTls: mutualTlsClientOptions(pki, 'spine') });
    sspUrl = (await ssp.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  });
  after(async () => {
    await ssp.close();
    await provider.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const patientUrl = () => `${sspUrl}/${providerUrl}/B82617/STU3/1/gpconnect/Patient/2`;
  const headers = () => gpconnectHeaders('readPatient', { toAsid: '918999198738', now: Math.floor(Date.now() / 1000) });

  test('the PKI is written once and reused: https URLs, CA-issued certificates, private keys readable by the owner only', async () => {
    assert.match(providerUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    const again = await ensureLocalPki(dir);
    assert.equal(again.parties.provider.cert, pki.parties.provider.cert);
    assert.equal(readFileSync(join(dir, 'consumer.crt'), 'utf8'), pki.parties.consumer.cert);
  });

  test('a consumer with a certificate from the local CA is served through the proxy over TLS 1.2+ with a listed cipher', async () => {
    const result = await httpsGet(patientUrl(), mutualTlsClientOptions(pki, 'consumer'), headers());
    assert.equal(result.status, 200, result.body.slice(0, 300));
    assert.equal((JSON.parse(result.body) as { id: string }).id, '2');
    assert.ok(result.protocol === 'TLSv1.2' || result.protocol === 'TLSv1.3', String(result.protocol));
    const tls12 = await httpsGet(patientUrl(), { ...mutualTlsClientOptions(pki, 'consumer'), maxVersion: 'TLSv1.2' }, headers());
    assert.equal(tls12.status, 200);
    assert.ok(['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'].includes(tls12.cipher), tls12.cipher);
    // A TLS 1.2 client offering only ciphers outside the list (no forward secrecy) is refused.
    await assert.rejects(httpsGet(patientUrl(), { ...mutualTlsClientOptions(pki, 'consumer'), maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA256' }, headers()));
  });

  test('no client certificate, a certificate from another CA, or TLS 1.1: no connection at all', async () => {
    const { key: _key, cert: _cert, ...noCertificate } = mutualTlsClientOptions(pki, 'consumer');
    await assert.rejects(httpsGet(patientUrl(), noCertificate, headers()));
    const strangerDir = mkdtempSync(join(tmpdir(), 'gpconnect-pki-other-'));
    try {
      const stranger = await ensureLocalPki(strangerDir);
      await assert.rejects(httpsGet(patientUrl(), { ...mutualTlsClientOptions(stranger, 'consumer'), ca: pki.ca }, headers()));
    } finally {
      rmSync(strangerDir, { recursive: true, force: true });
    }
    await assert.rejects(httpsGet(patientUrl(), { ...mutualTlsClientOptions(pki, 'consumer'), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, headers()));
  });

  test('the provider itself refuses clients without a certificate (the proxy has one)', async () => {
    const { key: _key, cert: _cert, ...noCertificate } = mutualTlsClientOptions(pki, 'consumer');
    await assert.rejects(httpsGet(`${providerUrl}/B82617/STU3/1/gpconnect/metadata`, noCertificate, headers()));
  });
});
