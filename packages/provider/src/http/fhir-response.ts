import { PROFILES } from '@gpconnect/fhir';
import { entryPieces, type JsonText } from './json-text.ts';

/**
 * What a capability handler returns: a status, the body as FHIR JSON text, and the headers the
 * response needs. Bodies are text because stored resources are served as stored, never parsed and
 * re-serialised on the way out; the one place that turns this into bytes on the wire is http/send.ts
 * (where the XML serialiser will plug in).
 */
export interface FhirResponse {
  status: number;
  /** The body as FHIR JSON text, or as the pieces of a large one (json-text.ts). */
  json: string | JsonText;
  /** meta.versionId of a single returned resource: becomes `ETag: W/"<version>"`. */
  version?: number;
  /** Location of a created resource. */
  location?: string;
  /**
   * A base64 value too large to hold in memory (a document's file): `json` carries `placeholder` in
   * its place, and the body is streamed with the chunks' base64 written where the placeholder is.
   */
  streamedBase64?: { placeholder: string; chunks: AsyncIterable<Uint8Array> };
}

/** A single stored resource, served as stored. */
export function resourceResponse(resourceJson: string, version: number, status = 200): FhirResponse {
  return { status, json: resourceJson, version };
}

/**
 * A searchset Bundle (GPConnect-Searchset-Bundle-1) of stored resources, assembled from their JSON
 * text. The profile forbids total, link and entry.fullUrl/search (general.md §14).
 */
export function searchsetResponse(resourceJsons: readonly string[]): FhirResponse {
  const entries = entryPieces(resourceJsons).join('');
  const head = `{"resourceType":"Bundle","meta":{"profile":[${JSON.stringify(PROFILES.searchsetBundle)}]},"type":"searchset"`;
  return { status: 200, json: resourceJsons.length === 0 ? `${head}}` : `${head},"entry":[${entries}]}` };
}
