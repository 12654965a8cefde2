import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { buildProvider, SERVICE_ROOTS, type Provider } from '@gpconnect/provider';
import { join } from 'node:path';
import { buildPds, buildSds, buildSsp, ensureLocalPki, mutualTlsClientOptions, mutualTlsServerOptions, PDS_BASE_PATH, SDS_BASE_PATH, tlsServerOptions } from '@gpconnect/spine';
import { listPractices, type Store } from '@gpconnect/store';
import { loadNationalRoster, NATIONAL_ROSTER, topUpAppointmentCapacity } from '@gpconnect/testdata';
import { describeStore, type Settings } from '../settings.ts';
import { openConfiguredStore } from '../store-access.ts';
import { seedIfEmpty, utcDay } from '../roster.ts';

export interface UpOptions {
  /** Restore the roster practice to its starting state before serving. */
  reset?: boolean;
  /** Where the banner goes (stdout by default). */
  print?: (line: string) => void;
}

export interface RunningSystem {
  /** The base URL the provider listens on. */
  url: string;
  /** The PDS simulator's FHIR base URL. */
  pdsUrl: string;
  /** The SDS simulator's FHIR base URL. */
  sdsUrl: string;
  /** The Spine Secure Proxy: consumers call `{sspUrl}/{provider service root}/{request}`. */
  sspUrl: string;
  app: Provider;
  store: Store;
  close(): Promise<void>;
}

const ROOT_TITLES: Record<keyof typeof SERVICE_ROOTS, string> = {
  foundations: 'Foundations and Appointments',
  structured: 'Access Record Structured',
  documents: 'Access Document',
  html: 'Access Record HTML',
};

const TOP_UP_INTERVAL_MS = 60 * 60 * 1000;

/** Tops up the roster practice's rolling slots for the current day (see topUpAppointmentCapacity). */
function topUpRoster(store: Store, now: Date) {
  return topUpAppointmentCapacity(store.db, { today: utcDay(now), now });
}

function processLogger(settings: Settings): Logger {
  // Human-readable on a terminal, JSON lines (for a log shipper) otherwise.
  const transport = process.stdout.isTTY ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } : undefined;
  return pino({ level: settings.logLevel, ...(transport ? { transport } : {}) });
}

async function listen(app: { listen(options: { port: number; host: string }): Promise<string>; server: { address(): unknown } }, port: number, host: string): Promise<AddressInfo> {
  await app.listen({ port, host });
  return app.server.address() as AddressInfo;
}

function baseUrl(scheme: 'http' | 'https', address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** Opens the store, seeds it if empty, and serves every practice in it until closed. */
export async function up(settings: Settings, options: UpOptions = {}): Promise<RunningSystem> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = processLogger(settings);
  const store = await openConfiguredStore(settings, (error) => logger.warn({ err: { type: error.name } }, 'database connection dropped; reconnecting'));
  // Servers started so far, closed again if a later step fails (a port in use, say).
  const started: { close(): Promise<unknown> }[] = [];
  try {
    const now = new Date();
    if (options.reset) {
      await loadNationalRoster(store.db, { today: utcDay(now), now });
      print(`Reset the national test roster in practice ${NATIONAL_ROSTER.practice.odsCode}.`);
    } else if (await seedIfEmpty(store.db, now)) {
      print(`Seeded practice ${NATIONAL_ROSTER.practice.odsCode} with the national test roster.`);
    } else {
      const { slotsAdded } = await topUpRoster(store, now);
      if (slotsAdded > 0) print(`Topped up the roster's appointment capacity: ${slotsAdded} slots added.`);
    }
    // The spec's transport (general.md §11) unless switched off: a local CA on first run, mutual TLS
    // between consumer, proxy and provider, TLS to PDS and SDS.
    const pki = settings.tls === 'mutual' ? await ensureLocalPki(join(settings.dataDir, 'pki')) : undefined;
    const scheme = pki ? 'https' : 'http';
    const app = await buildProvider({ store, logger, config: { validateResponses: settings.validateResponses }, ...(pki ? { https: mutualTlsServerOptions(pki, 'provider') } : {}) });
    started.push(app);
    const pds = await buildPds({ db: store.db, logger: logger.child({ service: 'pds' }), ...(pki ? { https: tlsServerOptions(pki, 'spine') } : {}) });
    started.push(pds);
    const url = baseUrl(scheme, await listen(app, settings.port, settings.host));
    // SDS publishes every practice's service roots at the provider's address, and the roster's consumers.
    const consumers = NATIONAL_ROSTER.consumers.consumerOdsCodes.map((odsCode) => ({ asid: NATIONAL_ROSTER.consumers.defaultConsumerAsid, odsCode }));
    const sds = await buildSds({ db: store.db, providerBaseUrl: url, consumers, logger: logger.child({ service: 'sds' }), ...(pki ? { https: tlsServerOptions(pki, 'spine') } : {}) });
    started.push(sds);
    const ssp = await buildSsp({
      db: store.db,
      providerBaseUrl: url,
      consumers,
      logger: logger.child({ service: 'ssp' }),
      ...(pki ? { https: mutualTlsServerOptions(pki, 'spine'), upstreamTls: mutualTlsClientOptions(pki, 'spine') } : {}),
    });
    started.push(ssp);
    const pdsUrl = `${baseUrl(scheme, await listen(pds, settings.pdsPort, settings.host))}${PDS_BASE_PATH}`;
    const sdsUrl = `${baseUrl(scheme, await listen(sds, settings.sdsPort, settings.host))}${SDS_BASE_PATH}`;
    const sspUrl = baseUrl(scheme, await listen(ssp, settings.sspPort, settings.host));
    print(`gpconnect provider listening on ${url} (store: ${describeStore(settings)})`);
    print(`PDS simulator (FHIR R4) on ${pdsUrl}`);
    print(`SDS simulator (FHIR R4) on ${sdsUrl}`);
    print(`Spine Secure Proxy on ${sspUrl} (call ${sspUrl}/{service root}/{request})`);
    print(
      pki
        ? `Mutual TLS: consumers present ${join(pki.dir, 'consumer.crt')} (key consumer.key) and trust ${join(pki.dir, 'ca.crt')}`
        : 'Plain HTTP (GPCONNECT_TLS=off): for local development only',
    );
    for (const practice of await listPractices(store.db)) {
      print(`Practice ${practice.ods_code} ${practice.name} (ASID ${practice.asid}); capabilities on: ${practice.capabilities.join(', ') || 'none'}`);
      for (const [root, { path }] of Object.entries(SERVICE_ROOTS)) {
        print(`  ${ROOT_TITLES[root as keyof typeof SERVICE_ROOTS].padEnd(30)} ${url}/${practice.ods_code}/${path}`);
      }
    }
    // Rolling slots must never run out while the system stays up: top them up every hour (a no-op
    // until the day changes).
    const topUpTimer = setInterval(() => {
      topUpRoster(store, new Date()).catch((error: Error) => logger.error({ err: { type: error.name } }, 'appointment capacity top-up failed'));
    }, TOP_UP_INTERVAL_MS);
    topUpTimer.unref();
    let closing: Promise<void> | undefined;
    return {
      url,
      pdsUrl,
      sdsUrl,
      sspUrl,
      app,
      store,
      close: () =>
        (closing ??= (async () => {
          clearInterval(topUpTimer);
          try {
            await Promise.all([app.close(), pds.close(), sds.close(), ssp.close()]); // stop accepting, finish in-flight requests, flush the audit trail
          } finally {
            await store.close();
            logger.flush();
          }
        })()),
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.close()));
    await store.close();
    throw error;
  }
}
