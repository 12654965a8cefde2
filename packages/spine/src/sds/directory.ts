import { createHash } from 'node:crypto';
import { INTERACTIONS, SERVICE_ROOTS } from '@gpconnect/fhir';
import { listPractices, type Database, type Kysely } from '@gpconnect/store';

/**
 * The directory SDS publishes (spine-services.md §3.1), derived from the deployment itself so that
 * it can never disagree with the provider: every practice is a provider system with one ASID and
 * party key, an MHS record (endpoint) per interaction of each capability it has switched on, and an
 * AS record listing those interactions; consumers have an AS record only.
 */

export interface ConsumerSystem {
  asid: string;
  odsCode: string;
  /** Interaction IDs it may send; every GP Connect interaction when omitted. */
  interactionIds?: readonly string[];
}

/** An MHS record: where one interaction of one practice is served. */
export interface MhsRecord {
  odsCode: string;
  partyKey: string;
  interactionId: string;
  /** The provider service root URL the consumer calls (through the SSP). */
  address: string;
  cpaId: string;
}

/** An AS record: an accredited system and the interactions it sends or receives. */
export interface AsRecord {
  odsCode: string;
  asid: string;
  partyKey: string | null;
  manufacturerOds: string;
  interactionIds: string[];
}

export interface Directory {
  endpoints: MhsRecord[];
  devices: AsRecord[];
}

export const ALL_INTERACTION_IDS = INTERACTIONS.map((i) => i.interactionId);

/** A practice's party key: its ODS code and the last seven digits of its ASID, as SDS keys look. */
export function partyKeyOf(odsCode: string, asid: string): string {
  return `${odsCode}-${asid.slice(-7)}`;
}

function cpaIdOf(odsCode: string, interactionId: string): string {
  return `S${createHash('sha256').update(`${odsCode} ${interactionId}`).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** The directory for the practices in the store now, their endpoints under `providerBaseUrl`. */
export async function loadDirectory(db: Kysely<Database>, providerBaseUrl: string, consumers: readonly ConsumerSystem[]): Promise<Directory> {
  const endpoints: MhsRecord[] = [];
  const devices: AsRecord[] = [];
  for (const practice of await listPractices(db)) {
    const partyKey = partyKeyOf(practice.ods_code, practice.asid);
    const served = INTERACTIONS.filter((i) => practice.capabilities.includes(i.capability));
    for (const interaction of served) {
      endpoints.push({
        odsCode: practice.ods_code,
        partyKey,
        interactionId: interaction.interactionId,
        address: `${providerBaseUrl}/${practice.ods_code}/${SERVICE_ROOTS[interaction.serviceRoot].path}`,
        cpaId: cpaIdOf(practice.ods_code, interaction.interactionId),
      });
    }
    devices.push({ odsCode: practice.ods_code, asid: practice.asid, partyKey, manufacturerOds: practice.ods_code, interactionIds: served.map((i) => i.interactionId) });
  }
  for (const consumer of consumers) {
    devices.push({ odsCode: consumer.odsCode, asid: consumer.asid, partyKey: null, manufacturerOds: consumer.odsCode, interactionIds: [...(consumer.interactionIds ?? ALL_INTERACTION_IDS)] });
  }
  return { endpoints, devices };
}
