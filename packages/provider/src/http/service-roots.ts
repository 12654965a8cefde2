import { INTERACTIONS, SERVICE_ROOTS, type InteractionDefinition, type ServiceRoot } from '@gpconnect/fhir';

export { SERVICE_ROOTS };

/** One URL the provider serves and every interaction reachable there, whatever the method. */
export interface Endpoint {
  serviceRoot: ServiceRoot;
  /** fastify route pattern, `/:ods/...`. */
  url: string;
  interactions: InteractionDefinition[];
}

/** Groups the interaction catalogue by URL: interactions sharing a URL differ by method or Ssp-InteractionID. */
export function endpoints(): Endpoint[] {
  const byUrl = new Map<string, Endpoint>();
  for (const interaction of INTERACTIONS) {
    const url = `/:ods/${SERVICE_ROOTS[interaction.serviceRoot].path}/${interaction.path}`;
    const endpoint = byUrl.get(url) ?? { serviceRoot: interaction.serviceRoot, url, interactions: [] };
    endpoint.interactions.push(interaction);
    byUrl.set(url, endpoint);
  }
  return [...byUrl.values()];
}

/** The service root a raw request URL falls under, if any (used for errors on unknown paths). */
export function serviceRootOfUrl(url: string): ServiceRoot | undefined {
  const path = url.split('?')[0]!;
  const rest = path.split('/').slice(2).join('/');
  const roots = (Object.keys(SERVICE_ROOTS) as ServiceRoot[]).sort((a, b) => SERVICE_ROOTS[b].path.length - SERVICE_ROOTS[a].path.length);
  return roots.find((root) => rest === SERVICE_ROOTS[root].path || rest.startsWith(`${SERVICE_ROOTS[root].path}/`));
}
