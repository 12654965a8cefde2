/**
 * Access Document (documents.md) as a consumer reads it: a patient's DocumentReferences as
 * summaries a clinician can scan, each keeping the resource behind it, and the parameters of a search.
 */

type Json = Record<string, unknown>;

export interface DocumentSearch {
  /** Created on or after / on or before (YYYY-MM-DD). */
  createdFrom?: string;
  createdTo?: string;
  /** ODS code of the authoring organisation. */
  author?: string;
  /** Words in the description or type. */
  description?: string;
}

export interface DocumentSummary {
  id: string;
  /** The document type as the practice coded or named it. */
  type: string;
  description: string | undefined;
  created: string | undefined;
  indexed: string | undefined;
  /** The authoring organisation's name, when the Bundle holds it. */
  author: string | undefined;
  contentType: string | undefined;
  /** Size in bytes. */
  size: number | undefined;
  /** Where its content can be retrieved; absent when it is too large to retrieve (the title says why). */
  binaryUrl: string | undefined;
  /** The provider's note on the attachment (a placeholder explains why no content is offered). */
  title: string | undefined;
  resource: Json;
}

/** The query of a document search: the mandatory includes (documents.md) and the filters asked for. */
export function documentSearchQuery(search: DocumentSearch): string {
  const params: [string, string][] = [
    ['_include', 'DocumentReference:subject:Patient'],
    ['_include', 'DocumentReference:custodian:Organization'],
    ['_include', 'DocumentReference:author:Organization'],
    ['_include', 'DocumentReference:author:Practitioner'],
    ['_revinclude:recurse', 'PractitionerRole:practitioner'],
    ...(search.createdFrom ? [['created', `ge${search.createdFrom}`] as [string, string]] : []),
    ...(search.createdTo ? [['created', `le${search.createdTo}`] as [string, string]] : []),
    ...(search.author ? [['author', `https://fhir.nhs.uk/Id/ods-organization-code|${search.author}`] as [string, string]] : []),
    ...(search.description ? [['description', search.description] as [string, string]] : []),
  ];
  return new URLSearchParams(params).toString();
}

/** The DocumentReferences of a search Bundle, newest first, with their authors resolved from it. */
export function readDocuments(bundle: Json): DocumentSummary[] {
  const resources = ((bundle['entry'] as { resource?: Json }[] | undefined) ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const byReference = new Map(resources.map((r) => [`${r['resourceType'] as string}/${r['id'] as string}`, r]));
  return resources
    .filter((r) => r['resourceType'] === 'DocumentReference')
    .map((document): DocumentSummary => {
      const type = document['type'] as { text?: string; coding?: { display?: string }[] } | undefined;
      const attachment = ((document['content'] as { attachment?: Json }[] | undefined) ?? [])[0]?.attachment ?? {};
      const authorRef = ((document['author'] as { reference?: string }[] | undefined) ?? []).map((a) => a.reference).find((r) => r?.startsWith('Organization/'));
      const author = authorRef ? byReference.get(authorRef) : undefined;
      const context = document['context'] as { period?: { start?: string } } | undefined;
      return {
        id: document['id'] as string,
        type: type?.text ?? type?.coding?.[0]?.display ?? '',
        description: document['description'] as string | undefined,
        created: (document['created'] as string | undefined) ?? context?.period?.start,
        indexed: document['indexed'] as string | undefined,
        author: author?.['name'] as string | undefined,
        contentType: attachment['contentType'] as string | undefined,
        size: attachment['size'] as number | undefined,
        binaryUrl: attachment['url'] as string | undefined,
        title: attachment['title'] as string | undefined,
        resource: document,
      };
    })
    .sort((a, b) => (b.created ?? b.indexed ?? '').localeCompare(a.created ?? a.indexed ?? ''));
}
