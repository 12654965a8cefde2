/**
 * Who a consumer is, as GP Connect needs to say it on every request (general.md §2-§3): its Spine
 * ASID (Ssp-From), the organisation and the practitioner behind the request, and the system making
 * it. The JWT's audit claims are built from this.
 */
export interface ConsumerIdentity {
  /** The consumer system's ASID (Ssp-From). */
  asid: string;
  organisation: { odsCode: string; name: string };
  practitioner: {
    /** The consumer's local id for the user. */
    id: string;
    sdsUserId: string;
    sdsRoleProfileId: string;
    family: string;
    given: string[];
    prefix?: string[];
    /** The consumer system's own user identifier (system and value), if it has one. */
    localIdentifier?: { system: string; value: string };
  };
  device: { system: string; value: string; model: string; version: string };
  /** The JWT `iss`: the consumer system's URL. */
  issuer: string;
}
