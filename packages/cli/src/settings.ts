import { resolve } from 'node:path';

/** What the environment says about where the system runs and keeps its data. */
export interface Settings {
  /** A PostgreSQL connection string; absent means the embedded PGlite store in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded store (and its lock file) lives; absolute. */
  dataDir: string;
  port: number;
  /** Where the PDS simulator listens (0: any free port). */
  pdsPort: number;
  /** Where the SDS simulator listens (0: any free port). */
  sdsPort: number;
  /** Where the Spine Secure Proxy simulator listens (0: any free port). */
  sspPort: number;
  host: string;
  /** pino level for process logs. */
  logLevel: string;
  /** Validate every response against its profiles, logging violations (see ProviderConfig.validateResponses). */
  validateResponses: boolean;
  /** `mutual`: HTTPS everywhere with client certificates from a local CA (the spec's transport); `off`: plain HTTP for local development. */
  tls: 'mutual' | 'off';
}

export class SettingsError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function portFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`${name} must be a whole number from 0 to 65535, not ${JSON.stringify(value)}`);
  return port;
}

function flagFrom(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new SettingsError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}

function tlsFrom(value: string | undefined): 'mutual' | 'off' {
  if (value === undefined || value === '' || value === 'mutual') return 'mutual';
  if (value === 'off') return 'off';
  throw new SettingsError(`GPCONNECT_TLS must be mutual or off, not ${JSON.stringify(value)}`);
}

/** Reads the settings from environment variables (see README, Configuration). */
export function readSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Settings {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new SettingsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`);
  return {
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: resolve(cwd, env['GPCONNECT_DATA_DIR'] || '.data'),
    port: portFrom('PORT', env['PORT'], 8080),
    pdsPort: portFrom('PDS_PORT', env['PDS_PORT'], 8081),
    sdsPort: portFrom('SDS_PORT', env['SDS_PORT'], 8082),
    sspPort: portFrom('SSP_PORT', env['SSP_PORT'], 8083),
    host: env['HOST'] || '127.0.0.1',
    logLevel,
    validateResponses: flagFrom('GPCONNECT_VALIDATE_RESPONSES', env['GPCONNECT_VALIDATE_RESPONSES']),
    tls: tlsFrom(env['GPCONNECT_TLS']),
  };
}

/** How the store is described to a person: never the password of a connection string. */
export function describeStore(settings: Settings): string {
  if (!settings.databaseUrl) return `PGlite in ${settings.dataDir}`;
  try {
    const url = new URL(settings.databaseUrl);
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
