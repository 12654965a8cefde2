import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { formatHtmlDate, ukLocalDate } from '@gpconnect/fhir';
import { buildProvider, type Provider } from '@gpconnect/provider';
import { TEST_CONSUMER } from '@gpconnect/provider/testing';
import { buildPds, buildSds, buildSsp, ensureLocalPki, type SspApp, mutualTlsClientOptions, mutualTlsServerOptions, PDS_BASE_PATH, SDS_BASE_PATH, tlsServerOptions, type LocalPki } from '@gpconnect/spine';
import type { Store } from '@gpconnect/store';
import { loadNationalRoster } from '@gpconnect/testdata';
import { testStoreBackends } from '../../store/src/testing.ts';
import { GpConnectClient, type GpConnectClientOptions } from './client.ts';
import { GpConnectRequestError, PracticeNotFoundError } from './errors.ts';
import { crossCheckDemographics } from './care-record/care-record.ts';
import { narrativeLines, readNarrative } from './care-record/narrative-text.ts';

const DAY_MS = 86_400_000;
/** The UK date the roster was loaded for; its record dates are whole calendar days from it. */
let rosterDay = ukLocalDate(new Date());
// Calendar days, not 24-hour steps from now: late in a winter evening, now minus 45 x 24 hours is
// already the next day in October's British Summer Time.
const inDays = (days: number) => new Date(Date.parse(`${rosterDay}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

for (const backend of testStoreBackends()) {
  describe(`a consumer's journey: SDK -> PDS -> SDS -> SSP (mutual TLS) -> provider -> store (${backend.name})`, () => {
    let dir: string;
    let pki: LocalPki;
    let store: Store;
    let provider: Provider;
    const spine: FastifyInstance[] = [];
    let options: GpConnectClientOptions;
    let ssp: SspApp;
    const clients: GpConnectClient[] = [];
    const client = (changes: Partial<GpConnectClientOptions> = {}) => {
      const c = new GpConnectClient({ ...options, ...changes });
      clients.push(c);
      return c;
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gpconnect-sdk-'));
      pki = await ensureLocalPki(dir);
      store = await backend.open();
      const now = new Date();
      rosterDay = ukLocalDate(now);
      await loadNationalRoster(store.db, { today: rosterDay, now });
      provider = await buildProvider({ store, https: mutualTlsServerOptions(pki, 'provider') });
      const providerUrl = (await provider.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
      const consumers = [{ asid: TEST_CONSUMER.asid, odsCode: TEST_CONSUMER.organisation.odsCode }, { asid: '200000000999', odsCode: 'B81016', interactionIds: ['urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1'] }];
      const pds = await buildPds({ db: store.db, https: tlsServerOptions(pki, 'spine') });
      const sds = await buildSds({ db: store.db, providerBaseUrl: providerUrl, consumers, https: tlsServerOptions(pki, 'spine') });
      ssp = await buildSsp({ db: store.db, providerBaseUrl: providerUrl, consumers, https: mutualTlsServerOptions(pki, 'spine'), upstreamTls: mutualTlsClientOptions(pki, 'spine') });
      spine.push(pds, sds, ssp);
      const url = async (app: FastifyInstance) => (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
      options = {
        identity: TEST_CONSUMER,
        spine: { pdsUrl: `${await url(pds)}${PDS_BASE_PATH}`, sdsUrl: `${await url(sds)}${SDS_BASE_PATH}`, sdsApiKey: 'local', sspUrl: await url(ssp) },
        tls: { ca: pki.ca, cert: pki.parties.consumer.cert, key: pki.parties.consumer.key },
      };
    });
    after(async () => {
      for (const c of clients) c.close();
      await Promise.all(spine.map((s) => s.close()));
      await provider.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('trace, find the patient, search, book, retrieve, amend and cancel: every call through the proxy', async () => {
      const gp = client();
      const traced = await gp.trace('9690937286');
      assert.deepEqual([traced.nhsNumber, traced.odsCode], ['9690937286', 'B82617']);
      const endpoint = await gp.endpoint(traced.odsCode, 'readPatient');
      assert.match(endpoint.address, /^https:\/\/127\.0\.0\.1:\d+\/B82617\/STU3\/1\/gpconnect$/);
      assert.equal(endpoint.asid, '918999198738');

      const patient = await gp.findPatient(traced.odsCode, traced.nhsNumber);
      assert.equal(patient?.['id'], '2');
      assert.equal(await gp.findPatient(traced.odsCode, '9690938533'), undefined, 'a sensitive patient is not disclosed');
      assert.deepEqual((await gp.findOrganizations(traced.odsCode, 'B82617')).map((o) => o['id']), ['1']);
      assert.deepEqual((await gp.findPractitioners(traced.odsCode, 'G13579135')).map((p) => p['id']), ['1']);
      assert.deepEqual((await gp.findPractitioners(traced.odsCode, 'G22222226')).map((p) => p['id']).sort(), ['4', '5'], 'practitioner5 is two records');
      assert.equal((await gp.readLocation(traced.odsCode, '1'))['resourceType'], 'Location');
      // The structured record comes from the structured service root and reads into the clinician's model.
      const structured = await gp.getStructuredRecord(traced.odsCode, traced.nhsNumber, { allergies: { includeResolved: true }, medications: {} });
      assert.equal(structured.record.patient?.['id'], '2');
      assert.deepEqual(structured.record.allergies.active.map((a) => a.substance.text), ['Peanut - dietary', 'Amoxicillin 250mg capsules']);
      assert.deepEqual(structured.record.allergies.ended.map((a) => [a.substance.text, a.clinicalStatus]), [['Aspirin 75mg dispersible tablet', 'resolved']]);
      assert.deepEqual(structured.record.medications.map((m) => [m.medication.text, m.status, m.prescriptionType]), [
        ['Aspirin 75mg dispersible tablets', 'active', 'repeat'],
        ['Metformin 500mg tablets', 'active', 'repeat'],
        ['Amoxicillin 250mg capsules', 'completed', 'acute'],
      ]);
      assert.equal(structured.record.medications[1]!.latestIssue?.authoredOn, inDays(-20));
      assert.deepEqual(structured.record.warnings.map((w) => [w.list, w.code]), [['Medications and medical devices', 'confidential-items']], 'the confidential course is withheld, and the List says so');
      assert.deepEqual(structured.record.operationOutcome, []);
      assert.match((await gp.endpoint(traced.odsCode, 'getStructuredRecord')).address, /\/B82617\/STU3\/1\/gpconnect\/structured$/);
      const free = await gp.searchFreeSlots(traced.odsCode, { start: inDays(1), end: inDays(3), includeLocations: true, includePractitioners: true });
      assert.ok(free.length > 5);
      assert.ok(free.every((f) => f.schedule['resourceType'] === 'Schedule' && f.location?.['resourceType'] === 'Location'));

      const booked = await gp.bookAppointment(traced.odsCode, { patientId: '2', slots: [free[0]!], description: 'Blood pressure review', telecom: '0300 303 5678' });
      assert.equal(booked['status'], 'booked');
      const day = (booked['start'] as string).slice(0, 10);
      const appointments = await gp.patientAppointments(traced.odsCode, '2', day, day);
      assert.ok(appointments.some((a) => a['id'] === booked['id']));
      const amended = await gp.amendAppointment(traced.odsCode, booked, { comment: 'Bring readings' });
      assert.deepEqual([amended['comment'], (amended['meta'] as { versionId: string }).versionId], ['Bring readings', '2']);
      const cancelled = await gp.cancelAppointment(traced.odsCode, amended, 'Patient recovered');
      assert.equal(cancelled['status'], 'cancelled');
      const again = await gp.searchFreeSlots(traced.odsCode, { start: inDays(1), end: inDays(3) });
      assert.ok(again.some((f) => f.slot['id'] === free[0]!.slot['id']), 'the slot is free again');
    });

    test('a migration through the proxy: the whole record, confidential items included with conf/R, and a document', async () => {
      // The patient has joined the consumer's practice: PDS names it now.
      const moved = (ods: string) => store.db.updateTable('pds_person').set({ gp_ods: ods }).where('nhs_number', '=', '9690937286').execute();
      await moved(TEST_CONSUMER.organisation.odsCode);
      try {
        const gp = client();
        const { record } = await gp.migrateStructuredRecord('B82617', '9690937286', true);
        assert.ok(record.medications.some((m) => m.medication.text === 'Amitriptyline 10mg tablets'), 'the confidential course is migrated');
        assert.equal(record.problems.length, 6);
        assert.equal(record.consultations.length, 6);
        const patient = await gp.findDocumentsPatient('B82617', '9690937286');
        const { documents } = await gp.searchDocuments('B82617', patient!['id'] as string);
        const letter = documents.find((d) => d.contentType === 'application/pdf')!;
        const retrieved = await gp.retrieveDocument('B82617', letter.binaryUrl!);
        assert.equal(retrieved.data.subarray(0, 5).toString('latin1'), '%PDF-');
        assert.equal(retrieved.data.length, letter.size);
        assert.deepEqual((await gp.migrateDocument('B82617', letter.binaryUrl!)).data, retrieved.data);
      } finally {
        await moved('B82617');
      }
    });

    test('Access Record HTML through the proxy: a section with the demographics to cross-check, a period, and the refusals as typed errors', async () => {
      const gp = client();
      const traced = await gp.trace('9690937286');
      assert.match((await gp.endpoint(traced.odsCode, 'getCareRecord')).address, /\/B82617\/DSTU2\/1\/gpconnect$/);
      const allergies = await gp.getCareRecord(traced.odsCode, traced.nhsNumber, 'ALL');
      assert.deepEqual(allergies.section, { code: 'ALL', title: 'Allergies and Adverse Reactions' });
      assert.deepEqual(allergies.demographics, {
        nhsNumber: '9690937286',
        family: 'SKELLY',
        given: ['Horace'],
        prefix: ['Mr'],
        gender: 'male',
        birthDate: '1925-04-21',
        deceasedDateTime: undefined,
        managingOrganisationOds: 'B82617',
        managingOrganisationName: 'COXWOLD SURGERY',
      });
      assert.deepEqual(crossCheckDemographics(allergies.demographics, traced.resource), [], 'the practice and PDS agree');
      assert.match(allergies.date ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      assert.equal((allergies.bundle['entry'] as { resource: { resourceType: string } }[])[0]!.resource.resourceType, 'Composition');
      const tables = readNarrative(allergies.xhtml).filter((b) => b.kind === 'table');
      assert.deepEqual(tables.map((t) => [t.id, t.rows.map((r) => r.at(-1)!.split('\n')[0])]), [
        ['all-tab-curr', ['Amoxicillin 250mg capsules', 'Peanut - dietary']],
        ['all-tab-hist', ['Aspirin 75mg dispersible tablet']],
      ]);
      assert.ok(narrativeLines(allergies.xhtml).some((line) => /^\d{2}-[A-Z][a-z]{2}-\d{4}\s+Peanut - dietary$/.test(line)), 'a table row as a terminal line');

      // The roster's consultations 30 and 45 days ago fall in the period; those 14 and 200 days ago do not.
      const encounters = readNarrative((await gp.getCareRecord(traced.odsCode, traced.nhsNumber, 'ENC', { start: inDays(-50), end: inDays(-20) })).xhtml);
      assert.deepEqual(encounters.filter((b) => b.kind === 'banner').map((b) => b.text), [`For the period '${formatHtmlDate(inDays(-50))}' to '${formatHtmlDate(inDays(-20))}'`]);
      assert.deepEqual(encounters.flatMap((b) => (b.kind === 'table' ? b.rows.map((r) => r[0]) : [])), [formatHtmlDate(inDays(-30)), formatHtmlDate(inDays(-45))]);

      const refused = (status: number, spineCode: string) => (error: unknown) => {
        assert.ok(error instanceof GpConnectRequestError, String(error));
        assert.deepEqual([error.status, error.spineCode, error.service], [status, spineCode, 'provider']);
        assert.equal(((error.operationOutcome?.['meta'] as { profile: string[] }).profile)[0], 'http://fhir.nhs.net/StructureDefinition/gpconnect-operationoutcome-1');
        return true;
      };
      await assert.rejects(gp.getCareRecord('B82617', '9658220169', 'SUM'), refused(403, 'NO_PATIENT_CONSENT'));
      await assert.rejects(gp.getCareRecord('B82617', '9658220223', 'SUM'), refused(404, 'PATIENT_NOT_FOUND'), 'a superseded NHS number');
      await assert.rejects(gp.getCareRecord('B82617', '9690937286', 'SUM', { start: '2020' }), refused(400, 'BAD_REQUEST'), 'no period for the summary');
    });

    test('a slot booked twice: the second is GpConnectRequestError 409 DUPLICATE_REJECTED', async () => {
      const gp = client();
      const free = await gp.searchFreeSlots('B82617', { start: inDays(2), end: inDays(4) });
      await gp.bookAppointment('B82617', { patientId: '2', slots: [free[2]!], description: 'first', telecom: '0300 303 5678' });
      await assert.rejects(gp.bookAppointment('B82617', { patientId: '3', slots: [free[2]!], description: 'second', telecom: '0300 303 5678' }), (error: unknown) => {
        assert.ok(error instanceof GpConnectRequestError);
        assert.deepEqual([error.status, error.spineCode, error.service], [409, 'DUPLICATE_REJECTED', 'provider']);
        return true;
      });
    });

    test('PDS: restricted, unknown and invalid patients give no practice', async () => {
      const gp = client();
      await assert.rejects(gp.trace('9690938533'), PracticeNotFoundError);
      await assert.rejects(gp.trace('9999999999'), PracticeNotFoundError);
      await assert.rejects(gp.trace('1234567890'), (error: unknown) => error instanceof GpConnectRequestError && error.spineCode === 'INVALID_RESOURCE_ID' && error.service === 'pds');
    });

    test("the proxy's refusals: unknown ASID, interaction not allowed, wrong Ssp-To, and a certificate from another CA", async () => {
      const stranger = client({ identity: { ...TEST_CONSUMER, asid: '123456789012' } });
      await assert.rejects(stranger.findPatient('B82617', '9690937286'), (error: unknown) => error instanceof GpConnectRequestError && error.status === 403 && error.spineCode === 'ASID_CHECK_FAILED_MESSAGESENDER_123456789012');
      const limited = client({ identity: { ...TEST_CONSUMER, asid: '200000000999', organisation: { odsCode: 'B81016', name: 'Limited' } } });
      assert.equal((await limited.metadata('B82617'))['resourceType'], 'CapabilityStatement');
      await assert.rejects(limited.findPatient('B82617', '9690937286'), (error: unknown) => error instanceof GpConnectRequestError && error.spineCode === 'ASID_CHECK_FAILED_MESSAGESENDER_200000000999');
      const gp = client();
      await assert.rejects(gp.call('B82617', 'readPatient', 'Patient/2', { headers: { 'ssp-to': '918999198999' } }), (error: unknown) => error instanceof GpConnectRequestError && error.spineCode === 'PARTYKEY_INTERACTION_CHECK_FAILED_MESSAGERECEIVER_918999198999');
      const otherDir = mkdtempSync(join(tmpdir(), 'gpconnect-sdk-other-'));
      try {
        const other = await ensureLocalPki(otherDir);
        const forged = client({ tls: { ca: pki.ca, cert: other.parties.consumer.cert, key: other.parties.consumer.key } });
        // SDS needs no client certificate; the proxy refuses the handshake.
        await assert.rejects(forged.findPatient('B82617', '9690937286'), (error: unknown) => !(error instanceof GpConnectRequestError));
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }
      await ssp.flushHops();
      const hops = await store.db.selectFrom('ssp_hop').select(['outcome']).where('from_asid', '=', '123456789012').execute();
      assert.deepEqual(hops.map((h) => h.outcome), ['ASID_CHECK_FAILED_MESSAGESENDER_123456789012'], 'the proxy recorded the refusal');
    });
  });
}
