import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS, PROFILES } from '@gpconnect/fhir';
import { queryAuditEvents, sql } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bookingRequest, type BookableSlot } from '../testing/consumer-request.ts';
import { bundleEntries, expectOperationOutcome, expectResource, NOW, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

const BOOK_ID = 'urn:nhs:names:services:gpconnect:fhir:rest:create:appointment-1';
/** Schedule 1: Location 1 (SIT1), Practitioner 1, mornings; ten-minute slots named by UK local start. */
const slot = (local: string): BookableSlot => ({ id: `1-${local.replace(/\D/g, '')}`, start: `${local}:00+00:00`, end: `${local.slice(0, 11)}${minutesLater(local.slice(11), 10)}:00+00:00` });
function minutesLater(time: string, minutes: number): string {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

const booking = (slots: BookableSlot[], changes: Json = {}, patientId = '1') => ({ ...bookingRequest({ patientId, slots, locationId: '1', practitionerId: '1' }), ...changes });
const extension = (resource: Json, url: string) => ((resource['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);

for (const backend of testStoreBackends()) {
  describe(`appointments.md §5-§10 book, read, retrieve, amend, cancel (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const book = (body: unknown, headers?: Record<string, string>) => provider.send('bookAppointment', { body, ...(headers ? { headers } : {}) });
    const read = (id: string) => provider.send('readAppointment', { path: `Appointment/${id}` });
    const put = (name: 'amendAppointment' | 'cancelAppointment', resource: Json, headers?: Record<string, string>) =>
      provider.send(name, { path: `Appointment/${resource['id'] as string}`, body: resource, ...(headers ? { headers } : {}) });
    const slotStatus = async (id: string) => (await provider.store.db.selectFrom('slot').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const appointmentCount = async () => Number((await sql<{ n: string }>`select count(*) as n from appointment`.execute(provider.store.db)).rows[0]!.n);
    const retrieve = (patientId: string, query: string) => provider.send('searchPatientAppointments', { path: `Patient/${patientId}/Appointment?${query}` });
    /** Books `slots` for patient 1 and returns the Appointment served. */
    const booked = async (slots: BookableSlot[], changes: Json = {}) => expectResource(await book(booking(slots, changes)), 'Appointment', 201);

    describe('§5 book', () => {
      test('201 with Location and ETag; the practice fills in its facts; the slot is taken; provenance and audit are written', async () => {
        const target = slot('2026-11-25T09:00');
        const response = await book(booking([target], { comment: 'Patient prefers mornings' }));
        const appointment = expectResource(response, 'Appointment', 201);
        const id = appointment['id'] as string;
        assert.equal(response.headers['location'], `/${PRACTICE.ods}/STU3/1/gpconnect/Appointment/${id}/_history/1`);
        assert.equal(response.headers['etag'], 'W/"1"');
        assert.deepEqual((appointment['meta'] as Json)['profile'], [PROFILES.appointment]);
        assert.equal((appointment['meta'] as Json)['versionId'], '1');
        assert.equal(appointment['status'], 'booked');
        assert.equal(appointment['start'], '2026-11-25T09:00:00+00:00');
        assert.equal(appointment['end'], '2026-11-25T09:10:00+00:00');
        assert.equal(appointment['created'], '2026-11-24T10:00:00+00:00', 'the provider records when it booked');
        assert.deepEqual(appointment['slot'], [{ reference: `Slot/${target.id}` }]);
        assert.deepEqual(appointment['serviceType'], [{ text: 'General medical practice' }]);
        assert.deepEqual(appointment['serviceCategory'], { text: 'General practice' });
        assert.equal(appointment['comment'], 'Patient prefers mornings');
        assert.deepEqual(extension(appointment, EXTENSIONS.deliveryChannel), { url: EXTENSIONS.deliveryChannel, valueCode: 'In-person' });
        assert.equal((extension(appointment, EXTENSIONS.practitionerRole)?.['valueCodeableConcept'] as { coding: { code: string }[] }).coding[0]!.code, 'R0260');
        assert.deepEqual(extension(appointment, EXTENSIONS.bookingOrganisation), { url: EXTENSIONS.bookingOrganisation, valueReference: { reference: '#1' } });
        assert.equal(((appointment['contained'] as Json[])[0]!['identifier'] as Json[])[0]!['value'], 'A20047');
        for (const absent of ['reason', 'specialty', 'appointmentType']) assert.equal(absent in appointment, false);
        assert.equal(await slotStatus(target.id), 'busy');

        const row = await provider.store.db.selectFrom('appointment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual([row.patient_id, row.booking_org_ods, row.status, row.version], ['1', 'A20047', 'booked', 1]);
        const provenance = JSON.parse(row.provenance!) as Json;
        assert.deepEqual([provenance['interactionId'], (provenance['organisation'] as Json)['odsCode'], provenance['recorded']], [BOOK_ID, 'A20047', NOW.toISOString()]);
        const [audit] = await queryAuditEvents(provider.store.db, { interactionId: BOOK_ID, patientNhsNumber: '9690937278' });
        assert.equal(audit?.outcome_code, 'OK');
        assert.deepEqual(expectResource(await read(id), 'Appointment'), appointment, 'a read returns what was booked');
      });

      test('general.md §12: a booking and its audit record are committed together — one record, and no booking when the record cannot be written', async () => {
        const db = provider.store.db;
        const trace = (n: number) => `0b00c1e5-0000-4000-8000-00000000000${n}`;
        const target = slot('2026-11-26T10:00');
        expectResource(await book(booking([target]), { 'ssp-traceid': trace(1) }), 'Appointment', 201);
        const recorded = await queryAuditEvents(db, { traceId: trace(1) });
        assert.deepEqual(
          recorded.map((a) => [a.interaction, a.http_status, a.outcome_code, a.patient_nhs_number, a.requesting_org_ods, a.path]),
          [['bookAppointment', 201, 'OK', '9690937278', 'A20047', `/${PRACTICE.ods}/STU3/1/gpconnect/Appointment`]],
          'exactly one record of the booking',
        );

        // The audit store refuses successful bookings' records: the booking itself must not be kept.
        await sql`create function refuse_booking_audit() returns trigger language plpgsql as $$
          begin
            if new.interaction = 'bookAppointment' and new.http_status = 201 then raise exception 'audit refused'; end if;
            return new;
          end $$`.execute(db);
        await sql`create trigger refuse_booking_audit before insert on audit_event for each row execute function refuse_booking_audit()`.execute(db);
        try {
          const refused = slot('2026-11-26T10:10');
          const count = await appointmentCount();
          expectOperationOutcome(await book(booking([refused]), { 'ssp-traceid': trace(2) }), 'INTERNAL_SERVER_ERROR');
          assert.equal(await appointmentCount(), count, 'no appointment without its audit record');
          assert.equal(await slotStatus(refused.id), 'free');
          assert.deepEqual((await queryAuditEvents(db, { traceId: trace(2) })).map((a) => a.http_status), [500], 'the failure is what the trail records');
        } finally {
          await sql`drop trigger refuse_booking_audit on audit_event`.execute(db);
          await sql`drop function refuse_booking_audit()`.execute(db);
        }
      });

      test('several adjacent slots make one appointment; gaps, other schedules and mismatched times do not', async () => {
        const two = [slot('2026-11-25T09:20'), slot('2026-11-25T09:30')];
        const appointment = await booked(two);
        assert.deepEqual([appointment['start'], appointment['end']], ['2026-11-25T09:20:00+00:00', '2026-11-25T09:40:00+00:00']);
        assert.deepEqual(await Promise.all(two.map((s) => slotStatus(s.id))), ['busy', 'busy']);
        const before = await appointmentCount();
        const gap = [slot('2026-11-25T10:00'), slot('2026-11-25T10:20')];
        expectOperationOutcome(await book(booking(gap)), 'INVALID_RESOURCE');
        expectOperationOutcome(await book(booking([slot('2026-11-25T10:00')], { end: '2026-11-25T10:20:00+00:00' })), 'INVALID_RESOURCE');
        expectOperationOutcome(await book(booking([slot('2026-11-25T10:00')], { start: '2026-11-25T10:05:00+00:00' })), 'INVALID_RESOURCE');
        assert.equal(await appointmentCount(), before, 'nothing was written');
        assert.equal(await slotStatus('1-202611251000'), 'free');
      });

      test('a slot already booked is 409 DUPLICATE_REJECTED', async () => {
        const target = slot('2026-11-25T10:30');
        await booked([target]);
        expectOperationOutcome(await book(booking([target], {}, '2')), 'DUPLICATE_REJECTED');
      });

      test('bad bookings are 422 INVALID_RESOURCE and write nothing', async () => {
        const target = slot('2026-11-25T10:40');
        const base = booking([target]);
        const participants = (types: string[]) => (base['participant'] as { actor: { reference: string } }[]).filter((p) => !types.some((t) => p.actor.reference.startsWith(t)));
        const organisation = (base['contained'] as Json[])[0]!;
        const without = (key: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));
        const cases: [string, unknown][] = [
          ['no Patient participant', { ...base, participant: participants(['Patient']) }],
          ['no Location participant', { ...base, participant: participants(['Location']) }],
          ['no participants', { ...base, participant: [] }],
          ['no start', without('start')],
          ['no end', without('end')],
          ['no status', without('status')],
          ['no slot', without('slot')],
          ['no description', without('description')],
          ['identifier without value', { ...base, identifier: [{ system: 'https://consumer.example.nhs.uk/Id/appointment' }] }],
          ['participant without status', { ...base, participant: (base['participant'] as Json[]).map(({ status: _s, ...p }) => p) }],
          ['a reason', { ...base, reason: [{ text: 'Chest pain' }] }],
          ['a specialty', { ...base, specialty: [{ coding: [{ system: 'http://snomed.info/sct', code: '394802001' }] }] }],
          ['an appointment type', { ...base, appointmentType: { text: 'Routine' } }],
          ['an unknown element', { ...base, colour: 'blue' }],
          ['an unknown extension', { ...base, extension: [...(base['extension'] as Json[]), { url: 'https://example.org/x', valueString: 'y' }] }],
          ['a cancellation reason', { ...base, extension: [...(base['extension'] as Json[]), { url: EXTENSIONS.appointmentCancellationReason, valueString: 'no' }] }],
          ['an absolute booking organisation reference', { ...base, extension: [{ url: EXTENSIONS.bookingOrganisation, valueReference: { reference: 'https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/#1' } }] }],
          ['an absolute participant reference', { ...base, participant: [...(base['participant'] as Json[]), { actor: { reference: 'https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/Practitioner/2' }, status: 'accepted' }] }],
          ['no booking organisation', { ...without('extension'), contained: undefined }],
          ['a booking organisation without name', { ...base, contained: [{ ...organisation, name: undefined }] }],
          ['a booking organisation without telecom', { ...base, contained: [{ ...organisation, telecom: undefined }] }],
          ['a slot that does not exist', { ...base, slot: [{ reference: 'Slot/NOT-A-SLOT' }] }],
          ['a slot reference of the wrong type', { ...base, slot: [{ reference: 'Schedule/1' }] }],
          ['another Location', { ...base, participant: [...participants(['Location']), { actor: { reference: 'Location/3' }, status: 'accepted' }] }],
          ['a description over 100 characters', { ...base, description: 'x'.repeat(101) }],
          ['status other than booked', { ...base, status: 'pending' }],
          ['not an Appointment', { resourceType: 'Bundle', type: 'collection' }],
          ['an empty Appointment', { resourceType: 'Appointment' }],
        ];
        const before = await appointmentCount();
        for (const [why, body] of cases) {
          const response = await book(JSON.parse(JSON.stringify(body)));
          assert.equal(response.statusCode, 422, `${why}: ${response.body.slice(0, 200)}`);
          assert.ok(expectOperationOutcome(response, 'INVALID_RESOURCE'), `${why}: says why`);
        }
        assert.equal(await appointmentCount(), before);
        assert.equal(await slotStatus(target.id), 'free');
        expectResource(await book(base), 'Appointment', 201);
      });

      test('slots that are past, not GP Connect bookable, restricted to others or visits cannot be booked', async () => {
        const past = { id: '4-201702251035', start: '2017-02-25T10:35:00+00:00', end: '2017-02-25T10:45:00+00:00' };
        expectOperationOutcome(await book(booking([past])), 'INVALID_RESOURCE');
        const set = (id: string, changes: Json) => provider.store.db.updateTable('slot').set(changes).where('id', '=', id).execute();
        await set('1-202611251050', { gpconnect_bookable: false });
        await set('1-202611251100', { booking_org_ods: ['B81016'] });
        await set('1-202611251110', { booking_org_types: ['gp-practice'] });
        await set('1-202611251120', { delivery_channels: ['Visit'] });
        for (const local of ['2026-11-25T10:50', '2026-11-25T11:00', '2026-11-25T11:10', '2026-11-25T11:20']) {
          expectOperationOutcome(await book(booking([slot(local)])), 'INVALID_RESOURCE');
        }
        // The type restriction admits an organisation that says it is a GP practice.
        const gp = { ...bookingRequest({ patientId: '1', slots: [slot('2026-11-25T11:10')], locationId: '1', practitionerId: '1', organisation: { odsCode: 'A20047', type: 'gp-practice' } }) };
        expectResource(await book(gp), 'Appointment', 201);
      });

      test('patients that do not exist or may not be disclosed are 404 PATIENT_NOT_FOUND', async () => {
        for (const patientId of ['999999', '9', '21']) {
          expectOperationOutcome(await book(booking([slot('2026-11-25T11:30')], {}, patientId)), 'PATIENT_NOT_FOUND');
        }
        assert.equal(await slotStatus('1-202611251130'), 'free');
      });

      test('Prefer: return=minimal gives 201, Location and ETag without a body; XML requests book too', async () => {
        const minimal = await book(booking([slot('2026-11-25T11:40')]), { prefer: 'return=minimal' });
        assert.equal(minimal.statusCode, 201);
        assert.equal(minimal.body, '');
        assert.equal(minimal.headers['etag'], 'W/"1"');
        assert.match(String(minimal.headers['location']), /\/Appointment\/[^/]+\/_history\/1$/);
        const { fhirJsonToXml } = await import('@gpconnect/fhir');
        const xml = fhirJsonToXml(booking([slot('2026-11-25T11:50')]), 'stu3');
        const response = await provider.send('bookAppointment', { body: xml, headers: { 'content-type': 'application/fhir+xml', accept: 'application/fhir+xml' } });
        assert.equal(expectResource(response, 'Appointment', 201, 'xml')['start'], '2026-11-25T11:50:00+00:00');
      });
    });

    describe('§6 read', () => {
      test('unknown ids are 404 NO_RECORD_FOUND', async () => {
        for (const id of ['Invalid4321', '8888888888', 'x'.repeat(65)]) expectOperationOutcome(await read(id), 'NO_RECORD_FOUND');
      });

      test('past appointments are not available', async () => {
        const appointment = await booked([slot('2026-11-26T09:00')]);
        await provider.store.db.updateTable('appointment').set({ start_at: new Date('2026-11-24T09:00:00Z') }).where('id', '=', appointment['id'] as string).execute();
        expectOperationOutcome(await read(appointment['id'] as string), 'NO_RECORD_FOUND');
      });
    });

    describe('§7 retrieve a patient\'s appointments', () => {
      test('every appointment of the patient starting on the days asked for, cancelled ones included', async () => {
        const first = await booked([slot('2026-11-27T09:00')]);
        const second = await booked([slot('2026-11-28T09:00')]);
        const cancelled = await booked([slot('2026-11-27T09:10')]);
        expectResource(await put('cancelAppointment', { ...cancelled, status: 'cancelled', extension: [...(cancelled['extension'] as Json[]), { url: EXTENSIONS.appointmentCancellationReason, valueString: 'Double booked' }] }), 'Appointment');
        const found = bundleEntries(expectResource(await retrieve('1', 'start=ge2026-11-27&start=le2026-11-27'), 'Bundle'));
        assert.deepEqual(found.map((a) => [a['id'], a['status']]), [[first['id'], 'booked'], [cancelled['id'], 'cancelled']]);
        const both = bundleEntries(expectResource(await retrieve('1', 'start=le2026-11-28&start=ge2026-11-27&_sort=date'), 'Bundle'));
        assert.ok(both.some((a) => a['id'] === second['id']));
        assert.deepEqual(bundleEntries(expectResource(await retrieve('19', 'start=ge2026-11-24&start=le2026-12-24'), 'Bundle')), [], 'patientNoAppointments has none');
      });

      test('today\'s appointments count, even those earlier today', async () => {
        const earlier = await booked([slot('2026-11-29T09:00')]);
        await provider.store.db.updateTable('appointment').set({ start_at: new Date('2026-11-24T08:00:00Z') }).where('id', '=', earlier['id'] as string).execute();
        const today = bundleEntries(expectResource(await retrieve('1', 'start=ge2026-11-24&start=le2026-11-24'), 'Bundle'));
        assert.ok(today.some((a) => a['id'] === earlier['id']));
      });

      test('bad start parameters are 422 INVALID_PARAMETER; unknown patients 404', async () => {
        for (const query of [
          'start=ge2026-11-25',
          '',
          'start=ge2026-11-25&start=lt2026-11-30',
          'start=lt2026-11-25&start=le2026-11-30',
          'start=le2026-11-25&start=le2026-11-30',
          'start=eqs2026-11-25&start=le2026-11-30',
          'start=ge2026-11-25T10:00:00+00:00&start=le2026-11-30',
          'start=ge2026-11&start=le2026-11-30',
          'start=ge2026-11-23&start=le2026-11-30',
          'start=ge2026-11-30&start=le2026-11-25',
        ]) {
          expectOperationOutcome(await retrieve('1', query), 'INVALID_PARAMETER');
        }
        assert.match(expectOperationOutcome(await retrieve('1', 'start=ge2026-11-23&start=le2026-11-30'), 'INVALID_PARAMETER') ?? '', /past/i);
        for (const id of ['null', 'dd', '999']) expectOperationOutcome(await retrieve(id, 'start=ge2030-03-30&start=le2030-04-30'), 'PATIENT_NOT_FOUND');
        const writeScope = await provider.send('searchPatientAppointments', { path: 'Patient/1/Appointment?start=ge2026-11-25&start=le2026-11-30', claims: { requested_scope: 'patient/*.write' } });
        expectOperationOutcome(writeScope, 'BAD_REQUEST');
      });
    });

    describe('§9 amend', () => {
      test('description and comment change; a new version and ETag; If-Match of the current version is accepted', async () => {
        const appointment = await booked([slot('2026-11-30T09:00')]);
        const trace = '0b00c1e5-0000-4000-8000-0000000000a1';
        const response = await put('amendAppointment', { ...appointment, description: 'customDescription', comment: 'customComment' }, { 'if-match': 'W/"1"', 'ssp-traceid': trace });
        const amended = expectResource(response, 'Appointment');
        assert.equal(response.headers['etag'], 'W/"2"');
        const recorded = await queryAuditEvents(provider.store.db, { traceId: trace });
        assert.deepEqual(recorded.map((a) => [a.interaction, a.http_status, a.outcome_code]), [['amendAppointment', 200, 'OK']], 'one audit record, committed with the change');
        assert.deepEqual([amended['description'], amended['comment'], (amended['meta'] as Json)['versionId']], ['customDescription', 'customComment', '2']);
        assert.deepEqual(expectResource(await read(appointment['id'] as string), 'Appointment'), amended);
        const { serviceCategory: _c, serviceType: _t, ...withoutProviderText } = amended;
        const again = expectResource(await put('amendAppointment', { ...withoutProviderText, description: 'Changed again', start: '2026-11-30T09:00:00Z' }), 'Appointment');
        assert.deepEqual([again['description'], again['serviceType'], (again['meta'] as Json)['versionId']], ['Changed again', amended['serviceType'], '3']);
      });

      test('other changes, stale or foreign If-Match, cancelled appointments: refused', async () => {
        const appointment = await booked([slot('2026-11-30T09:10')]);
        for (const changed of [
          { ...appointment, priority: 1 },
          { ...appointment, status: 'noshow' },
          { ...appointment, start: '2026-11-30T09:05:00+00:00' },
          { ...appointment, participant: [...(appointment['participant'] as Json[]), { actor: { reference: 'Practitioner/2' }, status: 'accepted' }] },
          { ...appointment, extension: [...(appointment['extension'] as Json[]), { url: EXTENSIONS.appointmentCancellationReason, valueString: 'double booked' }] },
          { ...appointment, extension: (appointment['extension'] as Json[]).map((e) => (e['url'] === EXTENSIONS.bookingOrganisation ? { ...e, valueReference: { reference: 'https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/#1' } } : e)) },
          { ...appointment, comment: 'x'.repeat(501) },
        ]) {
          expectOperationOutcome(await put('amendAppointment', changed), 'INVALID_RESOURCE');
        }
        for (const ifMatch of ['W/"7"', 'invalidEtag']) {
          expectOperationOutcome(await put('amendAppointment', { ...appointment, comment: 'c' }, { 'if-match': ifMatch }), 'FHIR_CONSTRAINT_VIOLATION');
        }
        expectOperationOutcome(await put('amendAppointment', { ...appointment, id: 'nope' }), 'NO_RECORD_FOUND');
        const row = await provider.store.db.selectFrom('appointment').select(['version', 'resource']).where('id', '=', appointment['id'] as string).executeTakeFirstOrThrow();
        assert.equal(row.version, 1, 'nothing was written');
        const minimal = await put('amendAppointment', appointment, { prefer: 'return=minimal' });
        assert.deepEqual([minimal.statusCode, minimal.body, minimal.headers['etag']], [200, '', 'W/"2"']);
      });
    });

    describe('§10 cancel', () => {
      const cancellation = (appointment: Json, reason: unknown, url: string = EXTENSIONS.appointmentCancellationReason) => ({
        ...appointment,
        status: 'cancelled',
        extension: [...(appointment['extension'] as Json[]), { url, valueString: reason }],
      });

      test('the status becomes cancelled with its reason, the slot is free again and can be rebooked', async () => {
        const target = slot('2026-12-01T09:00');
        const appointment = await booked([target]);
        const trace = '0b00c1e5-0000-4000-8000-0000000000c1';
        const response = await put('cancelAppointment', cancellation(appointment, 'Patient recovered'), { 'if-match': 'W/"1"', 'ssp-traceid': trace });
        const cancelled = expectResource(response, 'Appointment');
        const recorded = await queryAuditEvents(provider.store.db, { traceId: trace });
        assert.deepEqual(recorded.map((a) => [a.interaction, a.http_status, a.outcome_code]), [['cancelAppointment', 200, 'OK']], 'one audit record, committed with the change');
        assert.equal(cancelled['status'], 'cancelled');
        assert.deepEqual(extension(cancelled, EXTENSIONS.appointmentCancellationReason), { url: EXTENSIONS.appointmentCancellationReason, valueString: 'Patient recovered' });
        assert.equal(response.headers['etag'], 'W/"2"');
        assert.equal(await slotStatus(target.id), 'free');
        expectResource(await book(booking([target], {}, '2')), 'Appointment', 201);
        expectOperationOutcome(await put('cancelAppointment', cancellation(cancelled, 'again')), 'INVALID_RESOURCE');
        expectOperationOutcome(await put('amendAppointment', { ...cancelled, comment: 'after' }), 'INVALID_RESOURCE');
      });

      test('changing anything else, a blank reason, a wrong extension URL or a stale If-Match is refused', async () => {
        const appointment = await booked([slot('2026-12-01T09:10')]);
        for (const body of [
          { ...cancellation(appointment, 'r'), comment: 'RANDOM COMMENT' },
          { ...cancellation(appointment, 'r'), description: 'RANDOM DESCRIPTION' },
          { ...cancellation(appointment, 'r'), appointmentType: { text: 'RANDOM TYPE TEXT' } },
          { ...cancellation(appointment, 'r'), participant: [...(appointment['participant'] as Json[]), { actor: { reference: 'Patient/2' }, status: 'accepted' }] },
          cancellation(appointment, 'r', 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-Invalid-1'),
          { ...appointment, status: 'cancelled' },
          cancellation({ ...appointment, status: 'booked' }, 'r', EXTENSIONS.practitionerRole),
        ]) {
          expectOperationOutcome(await put('cancelAppointment', body), 'INVALID_RESOURCE');
        }
        expectOperationOutcome(await put('cancelAppointment', cancellation(appointment, '')), 'INVALID_PARAMETER');
        expectOperationOutcome(await put('cancelAppointment', cancellation(appointment, 'r'), { 'if-match': 'invalidEtag' }), 'FHIR_CONSTRAINT_VIOLATION');
        expectOperationOutcome(await put('cancelAppointment', cancellation(appointment, 'r'), { 'if-match': 'W/"2"' }), 'FHIR_CONSTRAINT_VIOLATION');
        assert.equal(await slotStatus('1-202612010910'), 'busy', 'nothing was cancelled');
      });

      test('visits the practice booked can be read and retrieved, but not amended or cancelled through GP Connect', async () => {
        const appointment = await booked([slot('2026-12-01T09:30')]);
        const visit = {
          ...appointment,
          extension: (appointment['extension'] as Json[]).map((e) => (e['url'] === EXTENSIONS.deliveryChannel ? { ...e, valueCode: 'Visit' } : e)),
          comment: 'Home visit',
        };
        await provider.store.db.updateTable('appointment').set({ resource: JSON.stringify(visit) }).where('id', '=', appointment['id'] as string).execute();
        assert.equal(expectResource(await read(appointment['id'] as string), 'Appointment')['comment'], 'Home visit');
        const retrieved = bundleEntries(expectResource(await retrieve('1', 'start=ge2026-12-01&start=le2026-12-01'), 'Bundle'));
        assert.ok(retrieved.some((a) => a['id'] === appointment['id']));
        expectOperationOutcome(await put('amendAppointment', { ...visit, description: 'changed' }), 'INVALID_RESOURCE');
        expectOperationOutcome(await put('cancelAppointment', cancellation(visit, 'no longer needed')), 'INVALID_RESOURCE');
      });

      test('past appointments cannot be amended or cancelled', async () => {
        const appointment = await booked([slot('2026-12-01T09:20')]);
        await provider.store.db.updateTable('appointment').set({ start_at: new Date('2026-11-24T09:00:00Z') }).where('id', '=', appointment['id'] as string).execute();
        expectOperationOutcome(await put('cancelAppointment', cancellation(appointment, 'late')), 'INVALID_RESOURCE');
        expectOperationOutcome(await put('amendAppointment', { ...appointment, comment: 'late' }), 'INVALID_RESOURCE');
      });
    });
  });
}
