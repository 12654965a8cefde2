import type { HandlerTable } from '../http/handler.ts';
import { documentsSearchPatients } from './find-patient.ts';
import { migrateDocument, retrieveDocument } from './retrieve-document.ts';
import { searchDocuments } from './search-documents.ts';

/** The Access Document capability (documents.md); its CapabilityStatement is in metadata/. */
export const documentsHandlers: HandlerTable = {
  documentsSearchPatients,
  searchDocuments,
  retrieveDocument,
  migrateDocument,
};
