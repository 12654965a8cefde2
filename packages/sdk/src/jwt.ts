import { DSTU2_SYSTEMS as DSTU2_RECORD_SYSTEMS, IDENTIFIER_SYSTEMS, type InteractionDefinition } from '@gpconnect/fhir';
import type { ConsumerIdentity } from './identity.ts';

/**
 * The GP Connect JWT (general.md §3): unsigned (`alg: none`), five minutes long, carrying who asks,
 * from where, why and with which scope. Access Record HTML (0.7.x, DSTU2) takes the DSTU2 shapes of
 * the claim resources and its fixed audience.
 */

/** Access Record HTML's audience, fixed by its 0.7.x specification. */
const DSTU2_AUDIENCE = 'https://authorize.fhir.nhs.net/token';
const LIFETIME_SECONDS = 300;
/** 0.7.x identifier systems (access-record-html.md §8): the practitioner's SDS ids are spelt without `/Id/`. */
const DSTU2_SYSTEMS = {
  nhsNumber: DSTU2_RECORD_SYSTEMS.nhsNumber,
  sdsUserId: 'http://fhir.nhs.net/sds-user-id',
  sdsRoleProfileId: 'http://fhir.nhs.net/sds-role-profile-id',
};

/** What a 0.7.x token's requested_record names: the patient whose record is read, or the organisation asked for its metadata. */
export type RequestedRecord = { nhsNumber: string } | { odsCode: string };

function requestedRecordClaim(record: RequestedRecord): Record<string, unknown> {
  return 'nhsNumber' in record
    ? { resourceType: 'Patient', identifier: [{ system: DSTU2_SYSTEMS.nhsNumber, value: record.nhsNumber }] }
    : { resourceType: 'Organization', identifier: [{ system: IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy, value: record.odsCode }] };
}

export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/**
 * The claims for one request of `interaction`, issued at `now` (UNIX seconds), for `audience` (the
 * provider's service root). A 0.7.x (Access Record HTML) token also names the record asked for.
 */
export function consumerJwtClaims(identity: ConsumerIdentity, interaction: InteractionDefinition, now: number, audience: string, requestedRecord?: RequestedRecord): Record<string, unknown> {
  const dstu2 = interaction.serviceRoot === 'html';
  const { practitioner, organisation, device } = identity;
  const systems = dstu2 ? DSTU2_SYSTEMS : IDENTIFIER_SYSTEMS;
  return {
    iss: identity.issuer,
    sub: practitioner.id,
    aud: dstu2 ? DSTU2_AUDIENCE : audience,
    exp: now + LIFETIME_SECONDS,
    iat: now,
    reason_for_request: interaction.reasons[0],
    requested_scope: interaction.scope,
    ...(dstu2 && requestedRecord ? { requested_record: requestedRecordClaim(requestedRecord) } : {}),
    requesting_device: { resourceType: 'Device', ...(dstu2 ? { id: device.value } : {}), identifier: [{ system: device.system, value: device.value }], model: device.model, version: device.version },
    requesting_organization: {
      resourceType: 'Organization',
      ...(dstu2 ? { id: organisation.odsCode } : {}),
      identifier: [{ system: dstu2 ? IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy : IDENTIFIER_SYSTEMS.odsOrganisationCode, value: organisation.odsCode }],
      name: organisation.name,
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: practitioner.id,
      identifier: [
        { system: systems.sdsUserId, value: practitioner.sdsUserId },
        { system: systems.sdsRoleProfileId, value: practitioner.sdsRoleProfileId },
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
