import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/**
 * Statements run on every request are kept prepared on each PostgreSQL connection. A statement sent
 * unnamed is parsed and planned again every time, and building it through the query builder costs
 * the provider more CPU than the rest of a Patient read's storage work; a prepared one is parsed
 * once per connection and sent as a bind of its parameters.
 *
 * The registry maps statement text to its name, so the pool's clients (PreparingClient below) name
 * these statements whichever way they arrive, inside transactions too. PGlite, in process, has no
 * round trip to save and runs the same text unnamed.
 */
const PREPARED_NAMES = new Map<string, string>();

export interface PreparedStatement<Row> {
  readonly text: string;
  /** Runs the statement with `parameters` in the order of its `$n` placeholders. */
  run(db: Kysely<Database>, parameters: readonly unknown[]): Promise<Row[]>;
}

/** Declares a hot statement once, at module load; `name` must be unique in the process. */
export function preparedStatement<Row>(name: string, text: string): PreparedStatement<Row> {
  const existing = [...PREPARED_NAMES].find(([, n]) => n === name);
  if (existing && existing[0] !== text) throw new Error(`prepared statement ${name} is declared twice with different text`);
  PREPARED_NAMES.set(text, name);
  return {
    text,
    async run(db, parameters) {
      const result = await db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
      return result.rows;
    },
  };
}

/**
 * A prepared insert of a batch of rows in one round trip, in the order given: the rows travel as one
 * JSON parameter under a fixed text (a VALUES list would change the text with every batch size, and
 * building twenty parameters a row cost more CPU than the rest of a Patient read). A column a row
 * leaves out (or undefined) reads as null; a key that is not a column is never selected.
 */
export function preparedBatchInsert<Row extends object>(name: string, table: keyof Database, columns: readonly (keyof Row & string)[]) {
  const list = columns.join(', ');
  const statement = preparedStatement<never>(name, `insert into ${table} (${list})
  select ${list} from json_populate_recordset(null::${table}, $1::json) with ordinality as r
  order by r.ordinality`);
  return async (db: Kysely<Database>, rows: readonly Row[]): Promise<void> => {
    if (rows.length > 0) await statement.run(db, [JSON.stringify(rows)]);
  };
}

/** A pg client that sends the registered statements by name, so the server keeps them prepared. */
export class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((text: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof text === 'string' && Array.isArray(values) ? PREPARED_NAMES.get(text) : undefined;
      if (name === undefined) return query(...[text, values, callback].filter((a) => a !== undefined));
      return query(...[{ name, text, values }, callback].filter((a) => a !== undefined));
    }) as pg.Client['query'];
  }
}
