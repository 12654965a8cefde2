export { buildPds, PDS_BASE_PATH } from './pds/pds-app.ts';
export type { PdsOptions } from './pds/pds-app.ts';
export { PDS_ERRORS, SPINE_ERROR_SYSTEM } from './pds/pds-errors.ts';
export type { PdsErrorCode } from './pds/pds-errors.ts';
export { buildSds, SDS_BASE_PATH, SDS_SYSTEMS } from './sds/sds-app.ts';
export type { SdsOptions } from './sds/sds-app.ts';
export { loadDirectory, partyKeyOf, ALL_INTERACTION_IDS } from './sds/directory.ts';
export type { ConsumerSystem, Directory, MhsRecord, AsRecord } from './sds/directory.ts';
