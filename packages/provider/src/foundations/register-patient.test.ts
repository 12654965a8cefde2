import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';
import { findPatientByNhsNumber, queryAuditEvents, sql } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { registrationParameters, registrationPatient, type RegistrationPerson } from '../testing/consumer-request.ts';
import { bundleEntries, expectOperationOutcome, expectResource, NOW, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Person = RegistrationPerson;

/** People on PDS but not held by the practice (roster pdsOnlyPatients). */
const REA: Person = { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' };
const SOFFE: Person = { nhsNumber: '9651258519', family: 'SOFFE', given: 'Oscar', gender: 'male', birthDate: '1937-03-11' };
const FLYNN: Person = { nhsNumber: '9651258527', family: 'FLYNN', given: 'Tommy', gender: 'male', birthDate: '1950-04-10' };
const CONWAY: Person = { nhsNumber: '9651258535', family: 'CONWAY', given: 'Julius', gender: 'male', birthDate: '1924-08-16' };
const VOCE: Person = { nhsNumber: '9651258543', family: 'VOCE', given: 'Ramon', gender: 'male', birthDate: '1919-10-17' };
const EVANS: Person = { nhsNumber: '9651258551', family: 'EVANS', given: 'Paul', gender: 'male', birthDate: '1932-12-29' };
const HYFLE: Person = { nhsNumber: '9651258578', family: 'HYFLE', given: 'Claude', gender: 'male', birthDate: '1939-01-14' };
const TOOLE: Person = { nhsNumber: '9651258586', family: 'TOOLE', given: 'Felix', gender: 'male', birthDate: '1934-08-13' };
const STYCHE: Person = { nhsNumber: '9651258594', family: 'STYCHE', given: 'Milo', gender: 'male', birthDate: '1917-08-08' };
const RODDAN: Person = { nhsNumber: '9651258608', family: 'RODDAN', given: 'Ivor', gender: 'male', birthDate: '1930-06-14' };
/** The end of a temporary registration made at NOW: three months on. */
const TEMPORARY_END = '2027-02-24T10:00:00.000Z';
const ENGLISH = { url: 'language', valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1', code: 'en', display: 'English' }] } };

const patientOf = registrationPatient;
const parametersOf = registrationParameters;

const registrationDetail = (patient: Record<string, unknown>, url: string) =>
  ((patient['extension'] as { url: string; extension: Record<string, unknown>[] }[]).find((e) => e.url === EXTENSIONS.registrationDetails)?.extension ?? []).find(
    (e) => e['url'] === url,
  );

for (const backend of testStoreBackends()) {
  describe(`§2.4 $gpc.registerpatient (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const register = (body: unknown, init: { claims?: Record<string, unknown> } = {}) => provider.send('registerPatient', { body, ...init });
    const patientCount = async () => Number((await sql<{ n: string }>`select count(*) as n from patient`.execute(provider.store.db)).rows[0]!.n);

    test('a person on PDS is registered as a temporary patient and returned in a searchset', async () => {
      const response = await register(parametersOf(patientOf(REA, { telecom: [{ system: 'phone', value: '01234 567890', use: 'temp' }] })));
      const [patient, ...rest] = bundleEntries(expectResource(response, 'Bundle'));
      assert.equal(rest.length, 0);
      assert.equal((patient?.['identifier'] as { value: string }[])[0]?.value, REA.nhsNumber);
      const type = registrationDetail(patient!, 'registrationType') as { valueCodeableConcept: { coding: { code: string }[] } };
      assert.equal(type.valueCodeableConcept.coding[0]?.code, 'T');
      assert.deepEqual(registrationDetail(patient!, 'registrationPeriod'), { url: 'registrationPeriod', valuePeriod: { start: NOW.toISOString(), end: TEMPORARY_END } });
      assert.deepEqual(registrationDetail(patient!, 'preferredBranchSurgery'), { url: 'preferredBranchSurgery', valueReference: { reference: 'Location/1' } });
      assert.deepEqual(patient?.['managingOrganization'], { reference: 'Organization/1' });
      const telecom = (patient?.['telecom'] as { period?: { end?: string } }[])[0];
      assert.equal(telecom?.period?.end, TEMPORARY_END, 'temporary contact details end with the temporary registration');
      const row = await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, REA.nhsNumber);
      assert.deepEqual([row?.registration_type, row?.registration_status, row?.registration_end, row?.fixture], ['T', 'active', TEMPORARY_END, null]);
      // general.md §12: an API write records who made it, from where, when and by which interaction.
      assert.deepEqual(JSON.parse(row!.provenance!), {
        interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.registerpatient-1',
        recorded: NOW.toISOString(),
        traceId: '5e9b2f4a-3d2c-4b7e-9a61-0c8d7f1e2a34',
        author: { practitionerId: '10019', name: 'Claire Jones', sdsUserId: '111222333444', roleProfileId: '444555666777' },
        organisation: { odsCode: 'A20047', name: 'Consumer Organisation' },
        device: JSON.parse(row!.provenance!).device,
      });
      assert.match(JSON.parse(row!.provenance!).device, /CONS-APP-4/);
      const audits = await queryAuditEvents(provider.store.db, { patientNhsNumber: REA.nhsNumber, interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.registerpatient-1' });
      assert.equal(audits.length, 1, 'one audit record, committed with the registration');
      const [audit] = audits;
      assert.deepEqual(
        [audit?.outcome_code, audit?.http_status, audit?.requesting_org_ods, audit?.sds_user_id, audit?.practitioner_name],
        ['OK', 200, 'A20047', '111222333444', 'Claire Jones'],
        'the write is audited with who made it',
      );
      // The new registration is now found by Foundations search.
      const found = bundleEntries(expectResource(await provider.send('searchPatients', { path: `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|${REA.nhsNumber}` }), 'Bundle'));
      assert.equal(found[0]?.['id'], patient?.['id']);
    });

    test('registering the same patient again is 409 DUPLICATE_REJECTED, as is a patient already registered', async () => {
      expectOperationOutcome(await register(parametersOf(patientOf(REA))), 'DUPLICATE_REJECTED');
      const samual = { nhsNumber: '9690937278', family: 'SAMUAL', given: 'Lucien', gender: 'male', birthDate: '1938-12-11' };
      expectOperationOutcome(await register(parametersOf(patientOf(samual))), 'DUPLICATE_REJECTED');
    });

    test('an inactive local record is reactivated as a temporary registration', async () => {
      const before = await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, '9690938142');
      const buck = { nhsNumber: '9690938142', family: 'BUCK', given: 'Eve', gender: 'female', birthDate: '1999-04-13' };
      const [patient] = bundleEntries(expectResource(await register(parametersOf(patientOf(buck))), 'Bundle'));
      assert.equal(patient?.['id'], before?.id);
      const after = await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, '9690938142');
      assert.deepEqual([after?.registration_status, after?.registration_type, after?.version], ['active', 'T', before!.version + 1]);
    });

    test('concurrent registrations of one patient create exactly one record', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, () => register(parametersOf(patientOf(SOFFE)))));
      assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409]);
      const rows = await sql<{ n: string }>`select count(*) as n from patient where nhs_number = ${SOFFE.nhsNumber}`.execute(provider.store.db);
      assert.equal(Number(rows.rows[0]!.n), 1);
    });

    test('demographics filled from PDS where the consumer sent none (gender)', async () => {
      const [patient] = bundleEntries(expectResource(await register(parametersOf(patientOf(CONWAY, { gender: undefined }))), 'Bundle'));
      assert.equal(patient?.['gender'], 'male');
    });

    test('allowed optional elements are accepted: a second name, address, telecoms of different uses, one NHS communication', async () => {
      const patient = patientOf(VOCE, {
        name: [{ use: 'official', family: VOCE.family, given: [VOCE.given, 'Second', 'Third'] }, { use: 'usual', family: 'Voce', given: ['Ray'] }],
        address: [{ use: 'home', line: ['1 Road'], postalCode: 'TS1 1AA' }, { use: 'temp', line: ['2 Road'] }],
        telecom: [
          { system: 'phone', value: '1', use: 'home' },
          { system: 'phone', value: '2', use: 'mobile' },
          { system: 'email', value: 'a@example.org' },
        ],
        extension: [{ url: EXTENSIONS.nhsCommunication, extension: [ENGLISH, { url: 'interpreterRequired', valueBoolean: false }] }],
      });
      expectResource(await register(parametersOf(patient)), 'Bundle');
    });

    test('a Patient sent without meta.profile is judged on its content, as the national suite expects', async () => {
      const [patient] = bundleEntries(expectResource(await register(parametersOf(patientOf(EVANS, { meta: undefined }))), 'Bundle'));
      assert.deepEqual((patient?.['meta'] as { profile: string[] }).profile, [PROFILES.patient]);
    });

    test('§2.2: a family name that differs from PDS still verifies when the date of birth is equal', async () => {
      expectResource(await register(parametersOf(patientOf({ ...HYFLE, family: 'HYFIELD' }))), 'Bundle');
    });

    for (const [what, person, change] of [
      ['deceased', STYCHE, sql`deceased_at = '2026-11-01'`],
      ['sensitive', RODDAN, sql`sensitive = true`],
    ] as const) {
      test(`a patient the practice records as ${what} is INVALID_PATIENT_DEMOGRAPHICS even when PDS is clear, and nothing changes`, async () => {
        expectResource(await register(parametersOf(patientOf(person))), 'Bundle');
        await sql`update patient set registration_status = 'inactive', ${change} where nhs_number = ${person.nhsNumber}`.execute(provider.store.db);
        const before = await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, person.nhsNumber);
        expectOperationOutcome(await register(parametersOf(patientOf(person))), 'INVALID_PATIENT_DEMOGRAPHICS');
        assert.deepEqual(await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, person.nhsNumber), before);
      });
    }

    test('PDS unavailable is 500 INTERNAL_SERVER_ERROR and nothing is written', async () => {
      const before = await patientCount();
      await sql`alter table pds_person rename to pds_person_offline`.execute(provider.store.db);
      try {
        expectOperationOutcome(await register(parametersOf(patientOf(FLYNN))), 'INTERNAL_SERVER_ERROR');
      } finally {
        await sql`alter table pds_person_offline rename to pds_person`.execute(provider.store.db);
      }
      assert.equal(await patientCount(), before);
    });

    test('a lapsed temporary registration is no longer served, and registering again reactivates it', async () => {
      expectResource(await register(parametersOf(patientOf(TOOLE))), 'Bundle');
      const search = () => provider.send('searchPatients', { path: `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|${TOOLE.nhsNumber}` });
      assert.equal(bundleEntries(expectResource(await search(), 'Bundle')).length, 1);
      await sql`update patient set registration_end = ${'2026-11-24T09:00:00.000Z'} where nhs_number = ${TOOLE.nhsNumber}`.execute(provider.store.db);
      assert.equal(bundleEntries(expectResource(await search(), 'Bundle')).length, 0, 'an expired registration is not current');
      const row = await findPatientByNhsNumber(provider.store.db, PRACTICE.ods, TOOLE.nhsNumber);
      expectOperationOutcome(await provider.send('readPatient', { path: `Patient/${row!.id}` }), 'PATIENT_NOT_FOUND');
      const [again] = bundleEntries(expectResource(await register(parametersOf(patientOf(TOOLE))), 'Bundle'));
      assert.equal(again?.['id'], row!.id, 'the same record is reactivated, not duplicated');
      assert.equal(bundleEntries(expectResource(await search(), 'Bundle')).length, 1);
    });

    const rejects = (name: string, body: () => unknown, error: Parameters<typeof expectOperationOutcome>[1], claims?: Record<string, unknown>) =>
      test(`${name} is ${error} and writes nothing`, async () => {
        const before = await patientCount();
        expectOperationOutcome(await register(body(), claims ? { claims } : {}), error);
        assert.equal(await patientCount(), before);
      });
    rejects('a body that is not Parameters', () => patientOf(FLYNN), 'INVALID_RESOURCE');
    rejects('a parameter holding something other than a Patient', () => parametersOf({ resourceType: 'Organization', name: 'x' }), 'INVALID_RESOURCE');
    rejects('a Patient with an element FHIR does not define', () => parametersOf(patientOf(FLYNN, { favouriteColour: 'blue' })), 'INVALID_RESOURCE');
    for (const [element, value] of [
      ['active', true],
      ['multipleBirthBoolean', true],
      ['generalPractitioner', [{ reference: 'Practitioner/1' }]],
      ['contact', [{ name: { family: 'X' } }]],
      ['managingOrganization', { reference: 'Organization/1' }],
      ['maritalStatus', { text: 'Single' }],
      ['animal', { species: { text: 'dog' } }],
      ['communication', [{ language: { text: 'en' } }]],
      ['photo', [{ contentType: 'image/png' }]],
      ['deceasedBoolean', false],
    ] as const) {
      rejects(`a Patient carrying ${element}`, () => parametersOf(patientOf(FLYNN, { [element]: value })), 'INVALID_RESOURCE');
    }
    rejects('two home addresses', () => parametersOf(patientOf(FLYNN, { address: [{ use: 'home', line: ['a'] }, { use: 'home', line: ['b'] }] })), 'INVALID_RESOURCE');
    rejects('two NHS communication extensions', () =>
      parametersOf(patientOf(FLYNN, { extension: [1, 2].map(() => ({ url: EXTENSIONS.nhsCommunication, extension: [ENGLISH, { url: 'interpreterRequired', valueBoolean: true }] })) })), 'INVALID_RESOURCE');
    rejects('a Patient claiming another profile', () => parametersOf(patientOf(FLYNN, { meta: { profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1'] } })), 'INVALID_RESOURCE');
    // The Patient profile, element by element (CareConnect-GPC-Patient-1; general.md §14).
    rejects('a telecom without a system', () => parametersOf(patientOf(FLYNN, { telecom: [{ value: '01234 567890', use: 'home' }] })), 'INVALID_RESOURCE');
    rejects('a telecom without a value', () => parametersOf(patientOf(FLYNN, { telecom: [{ system: 'phone', use: 'home' }] })), 'INVALID_RESOURCE');
    rejects('a fax number', () => parametersOf(patientOf(FLYNN, { telecom: [{ system: 'fax', value: '01234 567890', use: 'work' }] })), 'INVALID_RESOURCE');
    rejects('an address with a state', () => parametersOf(patientOf(FLYNN, { address: [{ use: 'home', line: ['1 Road'], state: 'Yorkshire' }] })), 'INVALID_RESOURCE');
    rejects('an NHS communication without its language', () =>
      parametersOf(patientOf(FLYNN, { extension: [{ url: EXTENSIONS.nhsCommunication, extension: [{ url: 'interpreterRequired', valueBoolean: true }] }] })), 'INVALID_RESOURCE');
    rejects('two registerPatient parameters', () => parametersOf(patientOf(FLYNN), patientOf(FLYNN)), 'BAD_REQUEST');
    rejects('no birthDate', () => parametersOf(patientOf(FLYNN, { birthDate: undefined })), 'BAD_REQUEST');
    rejects('no official name', () => parametersOf(patientOf(FLYNN, { name: [{ use: 'usual', family: 'FLYNN' }] })), 'BAD_REQUEST');
    rejects('an official name without a family name', () => parametersOf(patientOf(FLYNN, { name: [{ use: 'official', given: ['Tommy'] }] })), 'BAD_REQUEST');
    rejects('an identifier without a system', () =>
      parametersOf(patientOf(FLYNN, { identifier: [{ system: IDENTIFIER_SYSTEMS.nhsNumber, value: FLYNN.nhsNumber }, { value: 'x' }] })), 'BAD_REQUEST');
    for (const use of ['home', 'work', 'mobile', 'temp']) {
      rejects(`two phones with use ${use}`, () => parametersOf(patientOf(FLYNN, { telecom: [{ system: 'phone', value: '1', use }, { system: 'phone', value: '2', use }] })), 'BAD_REQUEST');
    }
    rejects('two email addresses', () => parametersOf(patientOf(FLYNN, { telecom: [{ system: 'email', value: 'a@x' }, { system: 'email', value: 'b@x' }] })), 'BAD_REQUEST');
    rejects('no identifier', () => parametersOf(patientOf(FLYNN, { identifier: undefined })), 'INVALID_NHS_NUMBER');
    for (const bad of ['34555##4', 'hello', '999999999', '9000000008', '90000000090']) {
      rejects(`NHS number ${bad}`, () => parametersOf(patientOf({ ...FLYNN, nhsNumber: bad })), 'INVALID_NHS_NUMBER');
    }
    rejects('a person not on PDS', () => parametersOf(patientOf({ ...FLYNN, nhsNumber: '9999999999' })), 'INVALID_PATIENT_DEMOGRAPHICS');
    rejects('a family name that does not match PDS with only two parts of the birth date equal', () => parametersOf(patientOf({ ...FLYNN, family: 'SMITH', birthDate: '1950-04-11' })), 'INVALID_PATIENT_DEMOGRAPHICS');
    rejects('a date of birth and initial that do not match PDS', () => parametersOf(patientOf({ ...FLYNN, given: 'Arthur', birthDate: '1960-01-01' })), 'INVALID_PATIENT_DEMOGRAPHICS');
    rejects('a superseded NHS number', () => parametersOf(patientOf({ nhsNumber: '9690938622', family: 'HORN', given: 'Alexi', gender: 'female', birthDate: '1978-11-28' })), 'INVALID_NHS_NUMBER');
    rejects('a patient who is sensitive on PDS', () => parametersOf(patientOf({ nhsNumber: '9690938533', family: 'CLAY', given: 'Anita', gender: 'female', birthDate: '2000-09-09' })), 'INVALID_PATIENT_DEMOGRAPHICS');
    rejects('a patient who is deceased', () => parametersOf(patientOf({ nhsNumber: '9690938681', family: 'ROONEY', given: 'James', gender: 'male', birthDate: '1968-02-03' })), 'INVALID_PATIENT_DEMOGRAPHICS');
    rejects('a read scope', () => parametersOf(patientOf(FLYNN)), 'BAD_REQUEST', { requested_scope: 'patient/*.read' });
    rejects('an organization scope', () => parametersOf(patientOf(FLYNN)), 'BAD_REQUEST', { requested_scope: 'organization/*.read' });
  });
}
