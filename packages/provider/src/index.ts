export { buildProvider } from './build.ts';
export type { Provider, ProviderOptions } from './build.ts';
export { DEFAULT_CONFIG } from './config.ts';
export type { ProviderConfig } from './config.ts';
export { SERVICE_ROOTS } from './http/service-roots.ts';
