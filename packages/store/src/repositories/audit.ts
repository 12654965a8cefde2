import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../schema.ts';

export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;

/** Writes a batch of audit events in one statement (one round trip). */
export async function insertAuditEvents(db: Kysely<Database>, events: readonly NewAuditEvent[]): Promise<void> {
  if (events.length > 0) await db.insertInto('audit_event').values([...events]).execute();
}

export interface AuditQuery {
  practiceOds?: string;
  traceId?: string;
  patientNhsNumber?: string;
  interactionId?: string;
  /** Only events with this outcome code (`OK` or a Spine code). */
  outcomeCode?: string;
  since?: Date;
  until?: Date;
  /** Most recent first; at most this many (default 100). */
  limit?: number;
}

export async function queryAuditEvents(db: Kysely<Database>, query: AuditQuery = {}): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_event').selectAll();
  if (query.practiceOds) q = q.where('practice_ods', '=', query.practiceOds);
  if (query.traceId) q = q.where('trace_id', '=', query.traceId);
  if (query.patientNhsNumber) q = q.where('patient_nhs_number', '=', query.patientNhsNumber);
  if (query.interactionId) q = q.where('interaction_id', '=', query.interactionId);
  if (query.outcomeCode) q = q.where('outcome_code', '=', query.outcomeCode);
  if (query.since) q = q.where('occurred_at', '>=', query.since);
  if (query.until) q = q.where('occurred_at', '<', query.until);
  return q.orderBy('seq', 'desc').limit(query.limit ?? 100).execute();
}
