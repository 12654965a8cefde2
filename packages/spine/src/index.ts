export { buildPds, PDS_BASE_PATH } from './pds/pds-app.ts';
export type { PdsOptions } from './pds/pds-app.ts';
export { PDS_ERRORS, SPINE_ERROR_SYSTEM } from './pds/pds-errors.ts';
export type { PdsErrorCode } from './pds/pds-errors.ts';
