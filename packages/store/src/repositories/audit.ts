import { type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../schema.ts';
import { preparedBatchInsert } from '../prepared.ts';

export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;

export const AUDIT_COLUMNS = [
  'occurred_at', 'practice_ods', 'trace_id', 'from_asid', 'to_asid', 'interaction_id', 'interaction', 'method', 'path',
  'requesting_org_ods', 'requesting_org_name', 'practitioner_id', 'practitioner_name', 'sds_user_id', 'role_profile_id',
  'requesting_device', 'patient_nhs_number', 'outcome_code', 'http_status', 'duration_ms',
] as const satisfies readonly (keyof NewAuditEvent)[];
/** Writes a batch of audit events in one statement (one round trip), in the order given. */
export const insertAuditEvents = preparedBatchInsert<NewAuditEvent>('insert_audit_events', 'audit_event', AUDIT_COLUMNS);

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
