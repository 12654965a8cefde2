import { PROFILES } from '@gpconnect/fhir';
import type { FhirResponse } from '../http/fhir-response.ts';

type Json = Record<string, unknown>;

/** A stored resource without meta.versionId and meta.lastUpdated, which a documents search bundle leaves out (documents.md §3). */
export function withoutVersionMeta(resource: Json): Json {
  const { versionId: _version, lastUpdated: _lastUpdated, ...meta } = (resource['meta'] ?? {}) as Json;
  return { ...resource, meta };
}

/**
 * The searchset Bundle of Access Document (documents.md §3): id = Ssp-TraceID, and every entry with
 * its absolute fullUrl on this service root, where the consumer can address it.
 */
export function documentsSearchset(traceId: string | null, serviceBaseUrl: string, resources: readonly Json[]): FhirResponse {
  const bundle = {
    resourceType: 'Bundle',
    ...(traceId ? { id: traceId } : {}),
    meta: { profile: [PROFILES.searchsetBundle] },
    type: 'searchset',
    // FHIR JSON has no empty arrays: a search that found nothing has no entry at all.
    ...(resources.length > 0 ? { entry: resources.map((resource) => ({ fullUrl: `${serviceBaseUrl}/${resource['resourceType'] as string}/${resource['id'] as string}`, resource })) } : {}),
  };
  return { status: 200, json: JSON.stringify(bundle) };
}
