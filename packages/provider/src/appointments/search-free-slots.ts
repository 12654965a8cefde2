import { findFreeSlots, findLocations, readResources, servedSlotJson } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { searchsetResponse } from '../http/fhir-response.ts';
import { isOfferedTo } from './slot-availability.ts';
import { readSlotSearch } from './slot-search-query.ts';

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/**
 * Search for free slots (appointments.md §3): the free slots wholly inside the window that the
 * searching organisation may book, each with its Schedule; the schedules' Practitioners and
 * Locations when asked for; and the Organizations managing those Locations whenever a slot is found.
 */
export const searchFreeSlots: Handler = async ({ practice, query }, { db }) => {
  const search = readSlotSearch(query);
  const ods = practice.ods_code;
  const slots = (await findFreeSlots(db, ods, search.from, search.to)).filter((slot) => isOfferedTo(slot, search.bookingOrganisation));
  if (slots.length === 0) return searchsetResponse([]);

  const schedules = new Map(slots.map((slot) => [slot.schedule_id, slot]));
  const locationIds = unique([...schedules.values()].map((s) => s.location_id));
  const practitionerIds = search.includePractitioners ? unique([...schedules.values()].flatMap((s) => (s.practitioner_id ? [s.practitioner_id] : []))) : [];
  const [locations, practitioners] = await Promise.all([findLocations(db, ods, locationIds), readResources(db, 'practitioner', ods, practitionerIds)]);
  const organisations = await readResources(db, 'organisation', ods, unique(locations.map((l) => l.organisation_id)));

  return searchsetResponse([
    ...slots.map(servedSlotJson),
    ...[...schedules.values()].map((s) => s.schedule_resource),
    ...practitioners.map((p) => p.resource),
    ...(search.includeLocations ? locations.map((l) => l.resource) : []),
    ...organisations.map((o) => o.resource),
  ]);
};
