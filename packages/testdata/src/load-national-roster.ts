import { deleteFixtureAndApiData, insertDocuments, insertPractice, recordFixtureLoad, replaceFixturePdsPeople, sql, type Database, type Kysely } from '@gpconnect/store';
import { NATIONAL_ROSTER_FIXTURE, planNationalRoster, type NationalRosterOptions } from './plan-national-roster.ts';
import { NATIONAL_ROSTER } from './roster.ts';

/** Slot rows per insert statement (13 columns each). */
const SLOT_CHUNK = 250;

/** How many rows of each kind a load wrote. */
export interface NationalRosterLoadSummary {
  practiceOds: string;
  /** True when the practice row did not exist and was created. */
  practiceCreated: boolean;
  organisations: number;
  locations: number;
  practitioners: number;
  practitionerRoles: number;
  patients: number;
  clinicalItems: number;
  documents: number;
  schedules: number;
  slots: number;
  pdsPeople: number;
}

/**
 * Loads the national roster into a practice as the fixture set `national-roster`, in one
 * transaction: creates the practice if it does not exist (every capability on; an existing practice
 * row is left as it is), removes what the fixture and the API created in that practice, writes the
 * organisations, locations, practitioners and roles, patients, their record and documents, appointment
 * schedules and slots, and the fixture's national PDS records, and records the load.
 *
 * Loading again is the reset: it restores exactly the starting state (same ids, same JSON, every row
 * at version 1) for the same `today` and `now`. Other practices' rows and other fixture sets are
 * untouched; PDS is national, so its roster records follow the most recent load (registered at that
 * load's practice, dates relative to its `today`). Loads of this fixture are serialised by a
 * transaction-scoped advisory lock, so concurrent resets cannot interleave.
 */
export async function loadNationalRoster(db: Kysely<Database>, options: NationalRosterOptions): Promise<NationalRosterLoadSummary> {
  const plan = planNationalRoster(options);
  const ods = plan.practice.odsCode;
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`gpconnect fixture ${plan.fixture}`}))`.execute(trx);
    const existing = await trx.selectFrom('practice').select('ods_code').where('ods_code', '=', ods).forUpdate().executeTakeFirst();
    if (!existing) {
      if (!plan.practice.asid) throw new Error(`practice ${ods} does not exist: pass its ASID to load the national roster into it`);
      await insertPractice(trx, { ...plan.practice, asid: plan.practice.asid });
    }
    await deleteFixtureAndApiData(trx, ods, plan.fixture);
    // Parents before children (locations and roles reference organisations and practitioners).
    if (plan.organisations.length) await trx.insertInto('organisation').values(plan.organisations).execute();
    if (plan.locations.length) await trx.insertInto('location').values(plan.locations).execute();
    if (plan.practitioners.length) await trx.insertInto('practitioner').values(plan.practitioners).execute();
    if (plan.practitionerRoles.length) await trx.insertInto('practitioner_role').values(plan.practitionerRoles).execute();
    if (plan.patients.length) await trx.insertInto('patient').values(plan.patients).execute();
    if (plan.clinicalItems.length) await trx.insertInto('clinical_item').values(plan.clinicalItems).execute();
    await insertDocuments(trx, plan.documents);
    // Schedules reference locations and practitioners; slots reference schedules. Slots run to
    // hundreds of rows, so they go in chunks that stay well inside PostgreSQL's bind parameter limit.
    if (plan.schedules.length) await trx.insertInto('schedule').values(plan.schedules).execute();
    for (let i = 0; i < plan.slots.length; i += SLOT_CHUNK) await trx.insertInto('slot').values(plan.slots.slice(i, i + SLOT_CHUNK)).execute();
    await replaceFixturePdsPeople(trx, plan.fixture, plan.pdsPeople);
    await recordFixtureLoad(trx, ods, plan.fixture, plan.loadedOn, plan.loadedAt);
    return {
      practiceOds: ods,
      practiceCreated: !existing,
      organisations: plan.organisations.length,
      locations: plan.locations.length,
      practitioners: plan.practitioners.length,
      practitionerRoles: plan.practitionerRoles.length,
      patients: plan.patients.length,
      clinicalItems: plan.clinicalItems.length,
      documents: plan.documents.length,
      schedules: plan.schedules.length,
      slots: plan.slots.length,
      pdsPeople: plan.pdsPeople.length,
    };
  });
}

/** Restores the practice's national roster data to its starting state: the same as loading it again. */
export function resetNationalRoster(db: Kysely<Database>, options: NationalRosterOptions): Promise<NationalRosterLoadSummary> {
  return loadNationalRoster(db, options);
}

/** Whether the national roster has been loaded into the practice (the roster's practice by default). */
export async function isRosterLoaded(db: Kysely<Database>, practiceOds: string = NATIONAL_ROSTER.practice.odsCode): Promise<boolean> {
  const row = await db
    .selectFrom('fixture_load')
    .select('fixture')
    .where('practice_ods', '=', practiceOds)
    .where('fixture', '=', NATIONAL_ROSTER_FIXTURE)
    .executeTakeFirst();
  return row !== undefined;
}
