import type { TlsOptions } from 'node:tls';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

/** The fastify server every simulator runs on: a logger instance or switch, and HTTPS when given TLS settings. */
export function spineServer(logger: FastifyBaseLogger | boolean, https: TlsOptions | undefined): FastifyInstance {
  const tls = https ? { https } : {};
  const app = typeof logger === 'boolean' ? Fastify({ logger, ...tls }) : Fastify({ loggerInstance: logger, ...tls });
  return app as unknown as FastifyInstance;
}
