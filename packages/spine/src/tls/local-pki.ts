import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/**
 * A local certificate authority for the whole national path on one machine (general.md §11: mutual
 * TLS on both legs): a CA, and a certificate for each party — the provider, the Spine services
 * (SSP, PDS, SDS share one) and a consumer — each usable as server and client. Generated on first
 * use with @peculiar/x509 over WebCrypto, kept as PEM files in a directory, reused while valid.
 * RSA keys, because the spec's cipher list is ECDHE-RSA/DHE-RSA only.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type Party = 'provider' | 'spine' | 'consumer';
export const PARTIES: readonly Party[] = ['provider', 'spine', 'consumer'];

export interface KeyPair {
  key: string;
  cert: string;
}

export interface LocalPki {
  /** The CA certificate every party trusts (PEM). */
  ca: string;
  parties: Record<Party, KeyPair>;
  /** Where the files are. */
  dir: string;
}

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const YEAR_MS = 365 * 86_400_000;
/** Renewed when less than this is left. */
const RENEW_MS = 30 * 86_400_000;
/** Names every local certificate answers to: the machine itself. */
const LOCAL_NAMES = [
  { type: 'dns' as const, value: 'localhost' },
  { type: 'ip' as const, value: '127.0.0.1' },
  { type: 'ip' as const, value: '::1' },
];

async function pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function createPki(dir: string): Promise<LocalPki> {
  const now = Date.now();
  const notBefore = new Date(now - 60_000);
  const caKeys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=gpconnect local CA, O=gpconnect',
    notBefore,
    notAfter: new Date(now + 5 * YEAR_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as never),
    ],
  });
  const parties = {} as Record<Party, KeyPair>;
  for (const party of PARTIES) {
    const keys = await generateKeys();
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${party}.gpconnect.local, O=gpconnect`,
      issuer: ca.subject,
      notBefore,
      notAfter: new Date(now + YEAR_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey as never,
      signingKey: caKeys.privateKey as never,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: `${party}.gpconnect.local` }, ...LOCAL_NAMES]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey as never),
      ],
    });
    parties[party] = { key: await pem(keys.privateKey), cert: cert.toString('pem') };
  }
  const pki: LocalPki = { ca: ca.toString('pem'), parties, dir };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'ca.crt'), pki.ca);
  for (const party of PARTIES) {
    writeFileSync(join(dir, `${party}.key`), parties[party].key, { mode: 0o600 });
    writeFileSync(join(dir, `${party}.crt`), parties[party].cert);
  }
  return pki;
}

function readPki(dir: string): LocalPki | undefined {
  const files = ['ca.crt', ...PARTIES.flatMap((p) => [`${p}.key`, `${p}.crt`])];
  if (!files.every((f) => existsSync(join(dir, f)))) return undefined;
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const parties = Object.fromEntries(PARTIES.map((p) => [p, { key: read(`${p}.key`), cert: read(`${p}.crt`) }])) as Record<Party, KeyPair>;
  const certs = [read('ca.crt'), ...PARTIES.map((p) => parties[p].cert)].map((c) => new x509.X509Certificate(c));
  if (certs.some((c) => c.notAfter.getTime() - Date.now() < RENEW_MS)) return undefined;
  return { ca: read('ca.crt'), parties, dir };
}

/** The local PKI in `dir`: read if it is there and not about to expire, otherwise (re)created. */
export async function ensureLocalPki(dir: string): Promise<LocalPki> {
  return readPki(dir) ?? createPki(dir);
}
