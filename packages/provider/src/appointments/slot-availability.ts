/** Who is searching or booking, as far as slot restrictions go (appointments.md §4). */
export interface BookingOrganisationFilter {
  /** ODS code of the booking organisation, when it said. */
  odsCode: string | null;
  /** GPConnect-OrganisationType-1 code, when it said. */
  type: string | null;
}

/** Home and care-home visits: held in the book, readable, never searchable or bookable (appointments.md §8). */
export const VISIT_CHANNEL = 'Visit';

/** A slot's columns that say who may book it (see SlotTable). */
interface SlotRestrictions {
  gpconnect_bookable: boolean;
  delivery_channels: string[];
  booking_org_ods: string[] | null;
  booking_org_types: string[] | null;
}

/**
 * Whether a slot may be offered to, and booked by, this organisation: the practice marked it GP
 * Connect bookable, it is not a visit, and its restrictions admit the organisation by the matching
 * table of appointments.md §4 — a restriction the consumer did not say enough to pass (a type or ODS
 * list when it sent no type or ODS code) hides the slot.
 */
export function isOfferedTo(slot: SlotRestrictions, organisation: BookingOrganisationFilter): boolean {
  if (!slot.gpconnect_bookable || slot.delivery_channels.includes(VISIT_CHANNEL)) return false;
  const admits = (allowed: string[] | null, sent: string | null) => allowed === null || (sent !== null && allowed.includes(sent));
  return admits(slot.booking_org_types, organisation.type) && admits(slot.booking_org_ods, organisation.odsCode);
}
