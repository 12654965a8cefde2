import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { LocalPki, Party } from './local-pki.ts';

/**
 * TLS settings of every leg (general.md §11): TLS 1.2 or later, the spec's forward-secret AES-GCM /
 * AES-256 cipher list for TLS 1.2, and certificates on both sides, issued by the local CA.
 */
export const GP_CONNECT_CIPHERS = [
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES256-SHA256',
  'DHE-RSA-AES256-SHA',
].join(':');

/** A server of `party` that only talks to clients holding a certificate from the local CA. */
export function mutualTlsServerOptions(pki: LocalPki, party: Party): TlsOptions {
  return {
    key: pki.parties[party].key,
    cert: pki.parties[party].cert,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ciphers: GP_CONNECT_CIPHERS,
    honorCipherOrder: true,
  };
}

/** A client of `party`: presents its certificate and trusts only the local CA. */
export function mutualTlsClientOptions(pki: LocalPki, party: Party): SecureContextOptions & { minVersion: 'TLSv1.2'; rejectUnauthorized: true } {
  return { key: pki.parties[party].key, cert: pki.parties[party].cert, ca: pki.ca, minVersion: 'TLSv1.2', ciphers: GP_CONNECT_CIPHERS, rejectUnauthorized: true };
}

/** A server of `party` over TLS that does not ask for client certificates (PDS and SDS, which real consumers reach with API keys and tokens). */
export function tlsServerOptions(pki: LocalPki, party: Party): TlsOptions {
  const { requestCert: _request, rejectUnauthorized: _reject, ...options } = mutualTlsServerOptions(pki, party);
  return options;
}
