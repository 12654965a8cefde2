import type { IncomingHttpHeaders } from 'node:http';
import { EXTENSIONS, fail } from '@gpconnect/fhir';
import { amendAppointment as amendRow, cancelAppointment as cancelRow, type AppointmentChanges, type Database, type Transaction } from '@gpconnect/store';
import type { Handler, HandlerRequest, ProviderDeps } from '../http/handler.ts';
import { resourceResponse } from '../http/fhir-response.ts';
import { auditedTransaction } from '../pipeline/audit-event.ts';
import { writeProvenance } from '../pipeline/write-provenance.ts';
import { invalidResource, readAppointmentBody, type AppointmentBody, type Json } from './appointment-body.ts';
import { nextVersion, unchangeableContent } from './appointment-resource.ts';
import { visibleAppointment } from './read-appointments.ts';
import { VISIT_CHANNEL } from './slot-availability.ts';

/**
 * Amend and cancel (appointments.md §9, §10): the same PUT, told apart by the interaction ID. Both
 * take the appointment as last read with only their own elements changed, honour If-Match, and
 * write only if the version read is still current, so of two concurrent changes one wins and the
 * other is 409 FHIR_CONSTRAINT_VIOLATION.
 */

type StoredWrite = (trx: Transaction<Database>, practiceOds: string, id: string, expectedVersion: number, changes: AppointmentChanges) => Promise<boolean>;

interface ChangeKind {
  /** What this interaction changes in the stored resource, once it has checked the request. */
  changes(request: AppointmentBody, stored: Json): Json;
  write: StoredWrite;
}

/** The version an If-Match header asks for (`W/"3"`); one that is not a version of ours can never match. */
function ifMatchVersion(headers: IncomingHttpHeaders): number | undefined {
  const header = headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) fail('FHIR_CONSTRAINT_VIOLATION', `If-Match ${JSON.stringify(header)} is not a version of this appointment`);
  return Number(match[1]);
}

function deliveryChannel(stored: Json): unknown {
  return ((stored['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === EXTENSIONS.deliveryChannel)?.['valueCode'];
}

function changeHandler(kind: ChangeKind): Handler {
  return async ({ practice, params, body, headers, context }: HandlerRequest, { db, clock }: ProviderDeps) => {
    const request = readAppointmentBody(body);
    if (request.id !== undefined && request.id !== params['id']) fail('BAD_REQUEST', `The body is Appointment/${request.id} but the URL names Appointment/${params['id']}`);
    const now = clock();
    const row = await visibleAppointment(db, practice.ods_code, params['id'], context, now, 'INVALID_RESOURCE');
    const expected = ifMatchVersion(headers);
    if (expected !== undefined && expected !== row.version) fail('FHIR_CONSTRAINT_VIOLATION', `If-Match names version ${expected}; the appointment is at version ${row.version}`);
    if (row.status === 'cancelled') invalidResource('The appointment is cancelled and can no longer be changed');
    const stored = JSON.parse(row.resource) as Json;
    if (deliveryChannel(stored) === VISIT_CHANNEL) invalidResource('Visits cannot be changed through GP Connect');
    if (unchangeableContent(request.resource) !== unchangeableContent(stored)) invalidResource('Only the elements this interaction changes may differ from the appointment as read');

    const version = row.version + 1;
    const resource = nextVersion(stored, version, now, kind.changes(request, stored));
    const provenance = JSON.stringify(writeProvenance(context, now));
    await auditedTransaction(db, context, 200, now, async (trx) => {
      const written = await kind.write(trx, practice.ods_code, row.id, row.version, { resource, version, last_updated: now, provenance });
      if (!written) fail('FHIR_CONSTRAINT_VIOLATION', 'The appointment was changed by another request; read it again');
    });
    return resourceResponse(resource, version);
  };
}

/** Amend: only the description and comment change. */
export const amendAppointment = changeHandler({
  changes(request) {
    if (request.status !== 'booked') invalidResource('Amending cannot change the status; cancel the appointment instead');
    if (request.cancellationReason !== undefined) invalidResource('Amending cannot add a cancellation reason; cancel the appointment instead');
    return { description: request.description, comment: request.comment };
  },
  write: amendRow,
});

/** Cancel: the status becomes cancelled with its reason; the slots are freed. */
const cancel = changeHandler({
  changes(request, stored) {
    if (request.status !== 'cancelled') invalidResource('Cancelling sets the status to cancelled');
    if (request.cancellationReason === undefined) invalidResource(`A cancellation needs the ${EXTENSIONS.appointmentCancellationReason} extension`);
    if (request.description !== stored['description'] || request.comment !== stored['comment']) invalidResource('Cancelling cannot change the description or comment');
    const extension = [...((stored['extension'] as Json[] | undefined) ?? []), { url: EXTENSIONS.appointmentCancellationReason, valueString: request.cancellationReason }];
    return { status: 'cancelled', extension };
  },
  write: cancelRow,
});

/**
 * A blank cancellation reason is a bad parameter value, not a malformed resource (the national suite
 * expects INVALID_PARAMETER), so it is caught before the body is checked as a whole: FHIR has no
 * empty strings, and an extension without a value would otherwise fail as INVALID_RESOURCE.
 */
function checkCancellationReason(body: unknown): void {
  const extensions = (body as { extension?: unknown } | null)?.extension;
  if (!Array.isArray(extensions)) return;
  for (const extension of extensions as { url?: unknown; valueString?: unknown }[]) {
    if (extension?.url !== EXTENSIONS.appointmentCancellationReason) continue;
    if (typeof extension.valueString !== 'string' || extension.valueString.trim() === '') fail('INVALID_PARAMETER', 'The cancellation reason must not be empty');
  }
}

export const cancelAppointment: Handler = (request, deps) => {
  checkCancellationReason(request.body);
  return cancel(request, deps);
};
