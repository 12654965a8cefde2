import { writeFile } from 'node:fs/promises';
import type { DocumentSummary, GpConnectClient, GpConnectClientOptions } from '@gpconnect/sdk';
import { formatTable } from '../table.ts';
import { NotAvailableError, withClient } from './consumer-commands.ts';

/**
 * The consumer's Access Document commands (documents.md): list a patient's documents at their
 * practice, and fetch one to a file — PDS trace, SDS lookup and the proxy, as every consumer command.
 */

async function patientDocuments(client: GpConnectClient, nhsNumber: string): Promise<{ odsCode: string; documents: DocumentSummary[]; bundle: Record<string, unknown> }> {
  const traced = await client.trace(nhsNumber);
  const patient = await client.findDocumentsPatient(traced.odsCode, traced.nhsNumber);
  if (!patient) throw new NotAvailableError(`${traced.odsCode} holds no documents it may share for NHS number ${traced.nhsNumber}`);
  const { documents, bundle } = await client.searchDocuments(traced.odsCode, patient['id'] as string);
  return { odsCode: traced.odsCode, documents, bundle };
}

const size = (bytes: number | undefined) => (bytes === undefined ? '' : bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

export async function documents(options: GpConnectClientOptions, nhsNumber: string, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const found = await patientDocuments(client, nhsNumber);
    if (json) return JSON.stringify(found.bundle, null, 2);
    if (found.documents.length === 0) return `No documents at ${found.odsCode} for NHS number ${nhsNumber}`;
    const rows = found.documents.map((d) => [d.id, d.type, d.description ?? '', (d.created ?? d.indexed ?? '').slice(0, 10), d.author ?? '', d.contentType ?? '', size(d.size), d.binaryUrl ? '' : (d.title ?? 'not retrievable')]);
    return formatTable(['Document', 'Type', 'Description', 'Created', 'Author', 'Format', 'Size', 'Note'], rows);
  });
}

/** Saves a document's content to `file` (default: its id); refuses one the practice offers no content for. */
export async function fetchDocument(options: GpConnectClientOptions, nhsNumber: string, documentId: string, file: string | undefined): Promise<string> {
  return withClient(options, async (client) => {
    const found = await patientDocuments(client, nhsNumber);
    const document = found.documents.find((d) => d.id === documentId);
    if (!document) throw new NotAvailableError(`${found.odsCode} lists no document ${documentId} for NHS number ${nhsNumber}`);
    if (!document.binaryUrl) throw new NotAvailableError(`${documentId} cannot be retrieved: ${document.title ?? 'the practice offers no content for it'}`);
    const content = await client.retrieveDocument(found.odsCode, document.binaryUrl);
    const target = file ?? documentId;
    await writeFile(target, content.data);
    return `Saved ${target} (${content.data.length} bytes, ${content.contentType})`;
  });
}
