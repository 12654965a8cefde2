/** Settings of a provider deployment; every field has a production default. */
export interface ProviderConfig {
  /** GP Connect versions the CapabilityStatements declare, per service root. */
  versions: { foundations: string; structured: string; documents: string; html: string };
  software: { name: string; version: string; releaseDate: string };
  publisher: string;
  /** How long a practice row (ASID, capability switches) may be served from cache. */
  practiceCacheTtlMs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Structured records assembled at once, how many more may wait and for how long; beyond that, 429 (structured/assembly-limit.ts). */
  structuredAssemblies: { concurrent: number; queued: number; maxWaitMs: number };
  /** Days after death a deceased patient's documents stay shareable through Access Document (documents.md §7). */
  documentsDeceasedAccessDays: number;
  /** Validate every STU3 response against its profiles, logging and counting violations (costs CPU: off in production by default). */
  validateResponses: boolean;
}

export const DEFAULT_CONFIG: ProviderConfig = {
  versions: { foundations: '1.2.9', structured: '1.6.0', documents: '1.6.0', html: '0.7.4' },
  software: { name: 'gpconnect', version: '0.1.0', releaseDate: '2026-11-24' },
  publisher: 'gpconnect open-source project',
  practiceCacheTtlMs: 2000,
  bodyLimit: 5 * 1024 * 1024,
  documentsDeceasedAccessDays: 28,
  validateResponses: false,
  structuredAssemblies: { concurrent: 4, queued: 128, maxWaitMs: 1500 },
};

export function resolveConfig(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    versions: { ...DEFAULT_CONFIG.versions, ...overrides.versions },
    software: { ...DEFAULT_CONFIG.software, ...overrides.software },
    structuredAssemblies: { ...DEFAULT_CONFIG.structuredAssemblies, ...overrides.structuredAssemblies },
  };
}
