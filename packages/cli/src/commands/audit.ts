import { queryAuditEvents, type AuditEventRow, type AuditQuery } from '@gpconnect/store';
import type { Settings } from '../settings.ts';
import { withStore } from '../store-access.ts';
import { formatTable } from '../table.ts';

/** The audit trail, most recent first, filtered as asked. */
export function audit(settings: Settings, query: AuditQuery): Promise<AuditEventRow[]> {
  return withStore(settings, (store) => queryAuditEvents(store.db, query));
}

const COLUMNS: [string, (row: AuditEventRow) => string][] = [
  ['seq', (r) => String(r.seq)],
  ['time (UTC)', (r) => r.occurred_at.toISOString().replace('T', ' ').slice(0, 23)],
  ['practice', (r) => r.practice_ods ?? '-'],
  ['interaction', (r) => r.interaction ?? `${r.method} ${r.path}`],
  ['status', (r) => String(r.http_status)],
  ['outcome', (r) => r.outcome_code],
  ['from ASID', (r) => r.from_asid ?? '-'],
  ['requester', (r) => r.requesting_org_ods ?? '-'],
  ['practitioner', (r) => r.sds_user_id ?? r.practitioner_id ?? '-'],
  ['NHS number', (r) => r.patient_nhs_number ?? '-'],
  ['trace ID', (r) => r.trace_id ?? '-'],
  ['ms', (r) => r.duration_ms.toFixed(1)],
];

/** Formats audit events as an aligned text table. */
export function formatAuditTable(rows: readonly AuditEventRow[]): string {
  return formatTable(
    COLUMNS.map(([title]) => title),
    rows.map((row) => COLUMNS.map(([, value]) => value(row))),
  );
}
