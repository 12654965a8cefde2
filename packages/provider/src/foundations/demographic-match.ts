import type { PdsPerson } from '@gpconnect/store';

/** The demographics a PDS trace compares (foundations.md §2.2). */
export interface TraceDemographics {
  family: string;
  given: readonly string[];
  /** YYYY-MM-DD. */
  birthDate: string;
}

const normalise = (text: string) => text.trim().toUpperCase();

/**
 * The GP Connect verification rule (foundations.md §2.2): the date of birth is equal, or two of its
 * three parts are equal and the family name's first three letters and the given name's initial agree.
 */
export function demographicsMatch(local: TraceDemographics, pds: TraceDemographics): boolean {
  if (local.birthDate === pds.birthDate) return true;
  const a = local.birthDate.split('-');
  const b = pds.birthDate.split('-');
  const equalParts = [0, 1, 2].filter((i) => a[i] !== undefined && a[i] === b[i]).length;
  const familyAgrees = normalise(local.family).slice(0, 3) === normalise(pds.family).slice(0, 3);
  const initialAgrees = normalise(local.given[0] ?? '').charAt(0) === normalise(pds.given[0] ?? '').charAt(0) && (local.given[0] ?? '') !== '';
  return equalParts >= 2 && familyAgrees && initialAgrees;
}

/** Why a PDS record cannot be used to verify a patient, or undefined when it can. */
export function pdsProblem(person: PdsPerson | undefined): 'absent' | 'superseded' | 'invalid' | 'deceased' | 'sensitive' | undefined {
  if (!person) return 'absent';
  if (person.supersededBy) return 'superseded';
  if (person.invalidated) return 'invalid';
  if (person.deceasedAt) return 'deceased';
  if (person.sensitive) return 'sensitive';
  return undefined;
}

export function pdsTraceDemographics(person: PdsPerson): TraceDemographics {
  return { family: person.demographics.name.family, given: person.demographics.name.given, birthDate: person.demographics.birthDate };
}
