import { insertAuditEvents, type Database, type Kysely, type NewAuditEvent, type Transaction } from '@gpconnect/store';
import type { GpConnectContext } from './request-context.ts';

/**
 * The audit record of a request (general.md §12) as it stands when answered with `status`: who
 * asked (the JWT's claims), through which Spine hop, about which patient, and how it ended.
 */
export function auditEventOf(context: GpConnectContext, status: number, occurredAt: Date): NewAuditEvent {
  const requester = context.requester;
  return {
    occurred_at: occurredAt,
    practice_ods: context.practice?.ods_code ?? null,
    trace_id: context.traceId,
    from_asid: context.fromAsid,
    to_asid: context.toAsid,
    interaction_id: context.interactionId,
    interaction: context.interaction?.name ?? null,
    method: context.method,
    path: context.path.slice(0, 2000),
    requesting_org_ods: requester?.organisationOds ?? null,
    requesting_org_name: requester?.organisationName ?? null,
    practitioner_id: requester?.practitionerId ?? null,
    practitioner_name: requester?.practitionerName ?? null,
    sds_user_id: requester?.sdsUserId ?? null,
    role_profile_id: requester?.roleProfileId ?? null,
    requesting_device: requester?.device ?? null,
    patient_nhs_number: context.patientNhsNumber ?? null,
    outcome_code: context.outcomeCode ?? (status < 400 ? 'OK' : `HTTP_${status}`),
    http_status: status,
    duration_ms: Number(process.hrtime.bigint() - context.startedAt) / 1e6,
  };
}

/**
 * The audit record of a write, for the write to commit in its own transaction: a change and its
 * audit record are then stored together or not at all (a write whose separate audit commit failed
 * would be in the record while its response said it had failed), and the write costs one commit,
 * not two. Its duration runs to when the record was built, just before the write is sent. Call
 * `committed()` once the transaction has: the response hook then writes no second record, unless
 * the response that leaves has another status than `status` (it records that too).
 */
export function auditOfWrite(context: GpConnectContext, status: number, occurredAt: Date): { row: NewAuditEvent; committed(): void } {
  return {
    row: auditEventOf(context, status, occurredAt),
    committed: () => {
      context.auditCommittedStatus = status;
    },
  };
}

/**
 * Runs `work` in a transaction that also commits the request's audit record for a response of
 * `status` (see auditOfWrite); if `work` throws, nothing of it or the record is kept.
 */
export async function auditedTransaction<T>(db: Kysely<Database>, context: GpConnectContext, status: number, now: Date, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const audit = auditOfWrite(context, status, now);
  const result = await db.transaction().execute(async (trx) => {
    const value = await work(trx);
    await insertAuditEvents(trx, [audit.row]);
    return value;
  });
  audit.committed();
  return result;
}
