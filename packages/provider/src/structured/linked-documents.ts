import { SERVICE_ROOTS } from '@gpconnect/fhir';
import { findPatientDocuments, type ClinicalItemRow, type Database, type Kysely } from '@gpconnect/store';
import { servedDocumentReference } from '../documents/served-document-reference.ts';
import type { LinkContext } from './linked-content.ts';
import { referencesOf } from './patient-record.ts';
import { StoredResource, type AreaContent, type Served } from './record-lists.ts';

/**
 * Documents inside a structured record (structured.md §5.10): a DocumentReference comes with the
 * problem, consultation or referral that links to it — metadata only, its attachment the full URL of
 * the Binary on the practice's Access Document service root — and every one of them with a migration.
 */

type Json = Record<string, unknown>;

/**
 * The patient's documents as record items of the kind `documents`, each its DocumentReference as
 * served, so that links reach them like any other item. `limitBytes`: the size above which a file is
 * a placeholder without a URL (Retrieve a document's limit; a migration has none).
 */
export async function documentItems(db: Kysely<Database>, practiceOds: string, patientId: string, documentsBaseUrl: string, limitBytes?: number): Promise<ClinicalItemRow[]> {
  const documents = await findPatientDocuments(db, practiceOds, patientId);
  return documents.map((document) => ({
    id: document.id,
    resource: JSON.stringify(servedDocumentReference(document, documentsBaseUrl, limitBytes)),
    resource_type: 'DocumentReference',
    status: null,
    confidential: document.confidential,
    effective_at: document.indexed_at,
    area: 'documents',
  }));
}

/** The practice's Access Document service root, beside the structured one a request came to. */
export const documentsBaseUrl = (structuredBaseUrl: string) => structuredBaseUrl.slice(0, -SERVICE_ROOTS.structured.path.length) + SERVICE_ROOTS.documents.path;

/** What links to documents (§5.10): a problem, a consultation's structure, a referral. */
const DOCUMENT_LINKERS = new Set(['Condition', 'List', 'ReferralRequest']);

/**
 * Whether a record's problems, consultations or referrals link to any document, read off their stored
 * text (only they are followed to documents; reading every item's text cost more than the rest).
 */
export const linksDocuments = (rows: readonly Pick<ClinicalItemRow, 'resource' | 'resource_type'>[]) =>
  rows.some((row) => DOCUMENT_LINKERS.has(row.resource_type) && row.resource.includes('"reference":"DocumentReference/'));

/**
 * A referral with the letters its supportingInfo names (§5.8): each shared letter comes along; a
 * confidential one is dropped from the referral without trace, and one of switched-off documents is
 * the placeholder. A referral naming no document is served as stored.
 */
function referralWithLetters(context: LinkContext, referral: StoredResource): Served[] {
  if (!referral.json.includes('"reference":"DocumentReference/')) return [referral];
  const resource = context.record.resource(referral.key)!;
  const original = (resource['supportingInfo'] as Json[] | undefined) ?? [];
  const letters: Served[] = [];
  const supportingInfo = original.flatMap((info): Json[] => {
    const [target] = referencesOf(info);
    const state = target?.startsWith('DocumentReference/') ? context.follow(target) : undefined;
    if (state === 'withheld') return [];
    if (state === 'disabled') return [context.placeholderFor(target!)];
    if (state) letters.push(...state.resources);
    return [info];
  });
  const unchanged = supportingInfo.length === original.length && supportingInfo.every((info, i) => info === original[i]);
  if (unchanged) return [referral, ...letters];
  // FHIR has no empty arrays: a referral left with no supporting information has none.
  const { supportingInfo: _dropped, ...rest } = resource;
  return [supportingInfo.length > 0 ? { ...rest, supportingInfo } : rest, ...letters];
}

/** An area's referrals, each followed by the letters it links to. */
export function withLinkedLetters(context: LinkContext, content: AreaContent): AreaContent {
  return {
    resources: content.resources.flatMap((resource) => (resource instanceof StoredResource && resource.key.startsWith('ReferralRequest/') ? referralWithLetters(context, resource) : [resource])),
  };
}
