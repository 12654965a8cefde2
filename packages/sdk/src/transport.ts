import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Client TLS for the Spine: the consumer's certificate and key, and the CA it trusts (mutual TLS). */
export interface ClientTls {
  ca: string;
  cert?: string;
  key?: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * HTTP(S) with node's own client, so that a consumer certificate can be presented (mutual TLS, TLS
 * 1.2 or later) without any other package. One keep-alive agent per client.
 */
export class Transport {
  private readonly agent: HttpsAgent | undefined;

  constructor(tls: ClientTls | undefined, private readonly timeoutMs: number) {
    this.agent = tls ? new HttpsAgent({ ...tls, keepAlive: true, minVersion: 'TLSv1.2' }) : undefined;
  }

  send(method: string, url: string, headers: OutgoingHttpHeaders, body?: string): Promise<HttpAnswer> {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const client = https ? httpsRequest : httpRequest;
    const payload = body === undefined ? undefined : Buffer.from(body);
    return new Promise((resolve, reject) => {
      const req = client(target, { method, headers: payload ? { ...headers, 'content-length': payload.length } : headers, ...(https && this.agent ? { agent: this.agent } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer from ${target.origin} within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent?.destroy();
  }
}
