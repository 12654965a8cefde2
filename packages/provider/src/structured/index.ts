import type { HandlerTable } from '../http/handler.ts';
import { getStructuredRecord } from './get-structured-record.ts';
import { migrateStructuredRecord } from './migrate-structured-record.ts';

/** The Access Record Structured capability (structured.md). */
export const structuredHandlers: HandlerTable = {
  getStructuredRecord,
  migrateStructuredRecord,
};
