import type { DocumentRow } from '@gpconnect/store';

type Json = Record<string, unknown>;

/** Retrieve a document returns files up to 5 MB (documents.md §5); larger ones only by migration. */
export const RETRIEVE_LIMIT_BYTES = 5 * 1024 * 1024;

export const TOO_LARGE_TITLE = 'This document is larger than 5 MB, the limit of Retrieve a document, so it is not available here';

/**
 * A stored DocumentReference as Access Document serves it (documents.md §4): with the file's size,
 * and either the absolute URL of its Binary on this service root or, for a file over the retrieval
 * limit, no URL and a title saying why (the placeholder of §4). A migration has no limit.
 */
export function servedDocumentReference(document: DocumentRow, serviceBaseUrl: string, limitBytes = RETRIEVE_LIMIT_BYTES): Json {
  const resource = JSON.parse(document.resource) as Json & { content: { attachment: Json }[] };
  const attachment = resource.content[0]!.attachment;
  attachment['size'] = document.size_bytes;
  if (document.size_bytes > limitBytes) attachment['title'] = TOO_LARGE_TITLE;
  else attachment['url'] = `${serviceBaseUrl}/Binary/${document.binary_id}`;
  return resource;
}

/** The logical ids a DocumentReference points at, by resource type (authors and custodian). */
export function referencedIds(resource: Json, type: 'Organization' | 'Practitioner'): string[] {
  const references = [...((resource['author'] as { reference?: string }[] | undefined) ?? []), (resource['custodian'] as { reference?: string } | undefined) ?? {}];
  return references.map((r) => r.reference ?? '').filter((r) => r.startsWith(`${type}/`)).map((r) => r.slice(type.length + 1));
}
