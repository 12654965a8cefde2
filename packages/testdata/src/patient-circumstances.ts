import { addDays } from './dates.ts';
import type { RosterPatient } from './roster.ts';

/** What the roster says about a patient, from its flags and, where it has no flag, its property notes. */
export interface PatientCircumstances {
  sensitive: boolean;
  onPds: boolean;
  heldByProvider: boolean;
  registrationActive: boolean;
  dissent: boolean;
  nhsNumberSuperseded: boolean;
  /** A merged record: described by the roster, not represented in the store (no column). */
  merged: boolean;
  recordInTransit: boolean;
  multipleBirth: boolean;
  /** ISO date of death, relative offsets resolved against `today`. */
  deceasedAt: string | null;
}

const mentions = (patient: RosterPatient, pattern: RegExp) => (patient.properties ?? []).some((p) => pattern.test(p));

/**
 * The Access Record HTML cohort states most circumstances only in its property notes
 * ("NHS number superseded", "record in transit (GP2GP incomplete)"); the 1.x cohort has a flag for
 * each, and its notes agree with its flags (tested). A flag, where present, wins.
 */
export function patientCircumstances(patient: RosterPatient, today: string): PatientCircumstances {
  const flags = patient.flags ?? {};
  const deceasedAt = flags.deceasedDateTime ?? (flags.deceasedDaysAgo !== undefined ? addDays(today, -flags.deceasedDaysAgo) : null);
  return {
    sensitive: flags.sensitive ?? mentions(patient, /\bsensitive\b/i),
    onPds: flags.onPds ?? !mentions(patient, /\bnot on (PDS|spine)\b/i),
    heldByProvider: flags.heldByProvider ?? !mentions(patient, /\bheld nowhere\b/i),
    registrationActive: flags.registrationActive ?? !mentions(patient, /registration no longer active/i),
    dissent: flags.dissent ?? mentions(patient, /\bdissent/i),
    nhsNumberSuperseded: flags.nhsNumberSuperseded ?? mentions(patient, /\bsuperseded\b/i),
    merged: flags.merged ?? mentions(patient, /\bmerged\b/i),
    recordInTransit: flags.recordInTransit ?? mentions(patient, /\bin transit\b/i),
    multipleBirth: flags.multipleBirth ?? mentions(patient, /multiple birth/i),
    deceasedAt,
  };
}
