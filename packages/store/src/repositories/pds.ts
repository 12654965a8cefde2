import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, PdsPersonTable } from '../schema.ts';

/** Demographics held for a person on (simulated) PDS; stored as JSON text in pds_person.demographics. */
export interface PdsDemographics {
  name: { family: string; given: string[]; prefix?: string[] };
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string;
  address?: { line: string[]; city?: string; district?: string; postalCode?: string };
  telecom?: { system: 'phone' | 'email'; value: string; use?: string }[];
  multipleBirth?: boolean;
}

export type PdsPersonRow = Selectable<PdsPersonTable>;

export interface PdsPerson {
  nhsNumber: string;
  demographics: PdsDemographics;
  gpOds: string | null;
  sensitive: boolean;
  deceasedAt: string | null;
  supersededBy: string | null;
  invalidated: boolean;
  version: number;
}

function toPerson(row: PdsPersonRow): PdsPerson {
  return {
    nhsNumber: row.nhs_number,
    demographics: JSON.parse(row.demographics) as PdsDemographics,
    gpOds: row.gp_ods,
    sensitive: row.sensitive,
    deceasedAt: row.deceased_at,
    supersededBy: row.superseded_by,
    invalidated: row.invalidated,
    version: row.version,
  };
}

export async function findPdsPerson(db: Kysely<Database>, nhsNumber: string): Promise<PdsPerson | undefined> {
  const row = await db.selectFrom('pds_person').selectAll().where('nhs_number', '=', nhsNumber).executeTakeFirst();
  return row && toPerson(row);
}

/** A fixture's new PDS record (version 1) as its pds_person row. */
export function pdsPersonRow(person: Omit<PdsPerson, 'version'>, fixture: string): Insertable<PdsPersonTable> {
  return {
    nhs_number: person.nhsNumber,
    demographics: JSON.stringify(person.demographics),
    gp_ods: person.gpOds,
    sensitive: person.sensitive,
    deceased_at: person.deceasedAt,
    superseded_by: person.supersededBy,
    invalidated: person.invalidated,
    version: 1,
    fixture,
  };
}

/**
 * Replaces the PDS records a fixture set owns with `people`, exactly (version 1), so that reloading
 * a fixture restores PDS to its starting state. A number owned elsewhere is taken over.
 */
export async function replaceFixturePdsPeople(db: Kysely<Database>, fixture: string, people: Omit<PdsPerson, 'version'>[]): Promise<void> {
  await db.deleteFrom('pds_person').where('fixture', '=', fixture).execute();
  const chunkSize = 200;
  for (let i = 0; i < people.length; i += chunkSize) {
    const rows = people.slice(i, i + chunkSize).map((p) => pdsPersonRow(p, fixture));
    await db
      .insertInto('pds_person')
      .values(rows)
      .onConflict((oc) =>
        oc.column('nhs_number').doUpdateSet((eb) => ({
          demographics: eb.ref('excluded.demographics'),
          gp_ods: eb.ref('excluded.gp_ods'),
          sensitive: eb.ref('excluded.sensitive'),
          deceased_at: eb.ref('excluded.deceased_at'),
          superseded_by: eb.ref('excluded.superseded_by'),
          invalidated: eb.ref('excluded.invalidated'),
          fixture: eb.ref('excluded.fixture'),
          version: eb.ref('excluded.version'),
        })),
      )
      .execute();
  }
}

/** What a PDS search may ask for (spine-services.md §2.4); every field present must match. */
export interface PdsSearchCriteria {
  /** Family name, case-insensitive; `*` matches any run of characters. */
  family?: string;
  /** Given names, each matching one of the person's given names, case-insensitive; `*` as for family. */
  given?: string[];
  gender?: string;
  /** Inclusive ISO date bounds on the date of birth. */
  birthDateFrom?: string;
  birthDateTo?: string;
  /** Postcode, compared without spaces, case-insensitive; `*` as for family. */
  postcode?: string;
  /** ODS code of the registered practice. */
  gpOds?: string;
  /** Telecom value (phone or email), exactly. */
  telecom?: string;
}

/** `*` wildcards as a LIKE pattern, every other character literal. */
function likePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/**
 * People on PDS matching `criteria`, at most `limit`, in NHS number order. Superseded and invalidated
 * records are never search results (PDS answers with the record that replaced them).
 */
export async function searchPdsPeople(db: Kysely<Database>, criteria: PdsSearchCriteria, limit: number): Promise<PdsPerson[]> {
  const person = sql`(demographics::jsonb)`;
  let query = db.selectFrom('pds_person').selectAll().where('superseded_by', 'is', null).where('invalidated', '=', false);
  if (criteria.family !== undefined) query = query.where(sql<boolean>`lower(${person} #>> '{name,family}') like lower(${likePattern(criteria.family)})`);
  for (const given of criteria.given ?? []) {
    query = query.where(sql<boolean>`exists (select 1 from jsonb_array_elements_text(${person} #> '{name,given}') as g where lower(g) like lower(${likePattern(given)}))`);
  }
  if (criteria.gender !== undefined) query = query.where(sql<boolean>`${person} ->> 'gender' = ${criteria.gender}`);
  if (criteria.birthDateFrom !== undefined) query = query.where(sql<boolean>`${person} ->> 'birthDate' >= ${criteria.birthDateFrom}`);
  if (criteria.birthDateTo !== undefined) query = query.where(sql<boolean>`${person} ->> 'birthDate' <= ${criteria.birthDateTo}`);
  if (criteria.postcode !== undefined) {
    query = query.where(sql<boolean>`replace(lower(${person} #>> '{address,postalCode}'), ' ', '') like replace(lower(${likePattern(criteria.postcode)}), ' ', '')`);
  }
  if (criteria.gpOds !== undefined) query = query.where('gp_ods', '=', criteria.gpOds);
  if (criteria.telecom !== undefined) {
    query = query.where(sql<boolean>`exists (select 1 from jsonb_array_elements(coalesce(${person} -> 'telecom', '[]'::jsonb)) as t where t ->> 'value' = ${criteria.telecom})`);
  }
  const rows = await query.orderBy('nhs_number').limit(limit).execute();
  return rows.map(toPerson);
}
