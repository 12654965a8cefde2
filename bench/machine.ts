import os from 'node:os';
import { sql, type Database, type Kysely } from '@gpconnect/store';

/** What the numbers were measured on: they mean little without it. */
export async function machineInfo(db: Kysely<Database>) {
  const { rows } = await sql<{ version: string; synchronous_commit: string; fsync: string }>`
    select version() as version, current_setting('synchronous_commit') as synchronous_commit, current_setting('fsync') as fsync`.execute(db);
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: rows[0]!.version,
    // Audit rows are committed before each response, so the server's commit durability matters.
    postgresSettings: { synchronous_commit: rows[0]!.synchronous_commit, fsync: rows[0]!.fsync },
  };
}

/**
 * Share of the machine's CPU in use over one second while the bench itself is idle. Anything well
 * above zero is other work that the next run would compete with (the load generator, the servers
 * and PostgreSQL already share the machine), so a run that starts on a busy machine is flagged.
 */
export async function machineBusyPercent(): Promise<number> {
  const sample = () =>
    os.cpus().reduce((acc, { times }) => ({ idle: acc.idle + times.idle, total: acc.total + times.user + times.nice + times.sys + times.idle + times.irq }), { idle: 0, total: 0 });
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = sample();
  return Math.round((1 - (after.idle - before.idle) / (after.total - before.total)) * 100);
}

const BUSY_WARNING_PERCENT = 15;

/** Measures how busy the machine is before a run, warning when the run's numbers will be noisy. */
export async function warnIfBusy(label: string): Promise<number> {
  const busy = await machineBusyPercent();
  if (busy >= BUSY_WARNING_PERCENT) console.warn(`bench: WARNING: ${busy}% of the CPU was busy with other work just before the ${label} run; its numbers will be noisy`);
  return busy;
}
