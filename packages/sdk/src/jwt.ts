import { IDENTIFIER_SYSTEMS, type InteractionDefinition } from '@gpconnect/fhir';
import type { ConsumerIdentity } from './identity.ts';

/**
 * The GP Connect JWT (general.md §3): unsigned (`alg: none`), five minutes long, carrying who asks,
 * from where, why and with which scope. Access Record HTML (0.7.x, DSTU2) takes the DSTU2 shapes of
 * the claim resources and its fixed audience.
 */

/** Access Record HTML's audience, fixed by its 0.7.x specification. */
const DSTU2_AUDIENCE = 'https://authorize.fhir.nhs.net/token';
const LIFETIME_SECONDS = 300;

export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** The claims for one request of `interaction`, issued at `now` (UNIX seconds), for `audience` (the provider's service root). */
export function consumerJwtClaims(identity: ConsumerIdentity, interaction: InteractionDefinition, now: number, audience: string): Record<string, unknown> {
  const dstu2 = interaction.serviceRoot === 'html';
  const { practitioner, organisation, device } = identity;
  return {
    iss: identity.issuer,
    sub: practitioner.id,
    aud: dstu2 ? DSTU2_AUDIENCE : audience,
    exp: now + LIFETIME_SECONDS,
    iat: now,
    reason_for_request: interaction.reasons[0],
    requested_scope: interaction.scope,
    requesting_device: { resourceType: 'Device', identifier: [{ system: device.system, value: device.value }], model: device.model, version: device.version },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [{ system: dstu2 ? IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy : IDENTIFIER_SYSTEMS.odsOrganisationCode, value: organisation.odsCode }],
      name: organisation.name,
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: practitioner.id,
      identifier: [
        { system: IDENTIFIER_SYSTEMS.sdsUserId, value: practitioner.sdsUserId },
        { system: IDENTIFIER_SYSTEMS.sdsRoleProfileId, value: practitioner.sdsRoleProfileId },
        ...(practitioner.localIdentifier ? [practitioner.localIdentifier] : []),
      ],
      name: dstu2
        ? { family: [practitioner.family], given: practitioner.given, ...(practitioner.prefix ? { prefix: practitioner.prefix } : {}) }
        : [{ family: practitioner.family, given: practitioner.given, ...(practitioner.prefix ? { prefix: practitioner.prefix } : {}) }],
    },
  };
}

/** An unsecured JWT (alg none, empty signature) carrying `claims`, as GP Connect uses. */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}
