import type { PdsDemographics } from '@gpconnect/store';
import { addDays } from '../dates.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * Synthetic people: names from short lists of common English names, invented street addresses in
 * North Yorkshire towns (the roster's practice is there), ages in three bands (children, adults,
 * people over 65) so records range from a few acute illnesses to several long-term conditions.
 */

const FEMALE_NAMES = ['Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Grace', 'Margaret', 'Susan', 'Patricia', 'Joan', 'Helen', 'Sarah', 'Rachel', 'Priya', 'Aisha', 'Fatima', 'Zofia'];
const MALE_NAMES = ['Oliver', 'George', 'Noah', 'Arthur', 'Harry', 'Jack', 'James', 'William', 'David', 'John', 'Peter', 'Michael', 'Robert', 'Mohammed', 'Arjun', 'Tomasz', 'Kwame', 'Daniel'];
const FAMILY_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan', 'Nowak', 'Mensah'];
const STREETS = ['Church Lane', 'Mill Road', 'Station Road', 'Park View', 'The Green', 'High Street', 'Westfield Avenue', 'Orchard Close', 'Moor Lane', 'Abbey Road'];
const TOWNS: readonly { city: string; postcodeArea: string }[] = [
  { city: 'THIRSK', postcodeArea: 'YO7' },
  { city: 'EASINGWOLD', postcodeArea: 'YO61' },
  { city: 'NORTHALLERTON', postcodeArea: 'DL7' },
  { city: 'RIPON', postcodeArea: 'HG4' },
];
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export type AgeBand = 'child' | 'adult' | 'older';

export interface SyntheticPerson {
  demographics: PdsDemographics & { gender: 'male' | 'female' };
  ageBand: AgeBand;
}

/** Roughly a practice list: a fifth children, half adults under 65, the rest 65 and over. */
function ageInDays(random: SeededRandom): { band: AgeBand; days: number } {
  const roll = random.next();
  const years = roll < 0.2 ? { band: 'child' as const, min: 0, max: 17 } : roll < 0.7 ? { band: 'adult' as const, min: 18, max: 64 } : { band: 'older' as const, min: 65, max: 95 };
  return { band: years.band, days: random.int(Math.round(years.min * 365.25) + 30, Math.round((years.max + 1) * 365.25) - 1) };
}

export function syntheticPerson(random: SeededRandom, today: string): SyntheticPerson {
  const gender = random.chance(0.5) ? 'female' : 'male';
  const age = ageInDays(random);
  const town = random.pick(TOWNS);
  const postalCode = `${town.postcodeArea} ${random.int(1, 9)}${random.pick([...LETTERS])}${random.pick([...LETTERS])}`;
  return {
    ageBand: age.band,
    demographics: {
      name: { family: random.pick(FAMILY_NAMES).toUpperCase(), given: [random.pick(gender === 'female' ? FEMALE_NAMES : MALE_NAMES)], prefix: [age.band === 'child' ? (gender === 'female' ? 'Miss' : 'Master') : gender === 'female' ? 'Mrs' : 'Mr'] },
      gender,
      birthDate: addDays(today, -age.days),
      address: { line: [`${random.int(1, 120)} ${random.pick(STREETS).toUpperCase()}`], city: town.city, postalCode },
      telecom: [{ system: 'phone', value: `01845 ${String(random.int(100_000, 999_999))}`, use: 'home' }],
    },
  };
}
