import type { Migration } from 'kysely';
import * as initial from './0001-initial.ts';
import * as writeProvenance from './0002-write-provenance.ts';
import * as appointments from './0003-appointments.ts';
import * as slotBookable from './0004-slot-bookable.ts';
import * as sspHops from './0005-ssp-hops.ts';
import * as structuredAreaSwitches from './0006-structured-area-switches.ts';
import * as documents from './0007-documents.ts';

/** Every migration, in order. Names are permanent once released. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-write-provenance': writeProvenance,
  '0003-appointments': appointments,
  '0004-slot-bookable': slotBookable,
  '0005-ssp-hops': sspHops,
  '0006-structured-area-switches': structuredAreaSwitches,
  '0007-documents': documents,
};
