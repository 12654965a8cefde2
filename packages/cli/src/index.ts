export { buildProgram } from './program.ts';
export type { CliIo } from './program.ts';
export { readSettings, describeStore, SettingsError } from './settings.ts';
export type { Settings } from './settings.ts';
export { up } from './commands/up.ts';
export type { RunningSystem, UpOptions } from './commands/up.ts';
export { reset } from './commands/reset.ts';
export { audit, formatAuditTable } from './commands/audit.ts';
export { practices, changeCapabilities } from './commands/practice.ts';
