import type { HandlerTable } from '../http/handler.ts';
import { getCareRecord } from './get-care-record.ts';

/** The Access Record HTML capability (access-record-html.md, 0.7.4). */
export const htmlHandlers: HandlerTable = {
  getCareRecord,
};
