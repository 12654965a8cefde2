import type { PatientRow, PatientWithPdsFlags } from '@gpconnect/store';

/**
 * A registration is current while its status is active and its end (a temporary registration's
 * expiry) has not passed (general.md §13: "registration status is current").
 */
export function isCurrentlyRegistered(row: Pick<PatientRow, 'registration_status' | 'registration_end'>, now: Date): boolean {
  if (row.registration_status !== 'active') return false;
  return row.registration_end === null || new Date(row.registration_end).getTime() > now.getTime();
}

/**
 * Whether Foundations may disclose the record at all (general.md §13): registered now, and neither
 * the practice nor PDS marks the patient sensitive or deceased, nor PDS the number replaced or invalid.
 * PDS is checked on every read because its flags change after the practice verified the number.
 */
export function isDisclosable(row: PatientWithPdsFlags, now: Date): boolean {
  if (!isCurrentlyRegistered(row, now) || row.deceased_at !== null || row.sensitive) return false;
  return !(row.pds_sensitive || row.pds_deceased_at !== null || row.pds_superseded_by !== null || row.pds_invalidated);
}
