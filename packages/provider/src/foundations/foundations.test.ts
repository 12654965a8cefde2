import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import { findPatientById, findPatientByNhsNumber, findPdsPerson, sql } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, startProvider, type ProviderUnderTest } from '../test-support.ts';

const searchByNhsNumber = (nhs: string) => `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|${nhs}`;

for (const backend of testStoreBackends()) {
  describe(`Foundations (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const search = async (path: string) => bundleEntries(expectResource(await provider.send('searchPatients', { path }), 'Bundle'));

    describe('§2.1 find a patient', () => {
      test('an active, verified patient is found by NHS number, with the Patient elements the spec requires', async () => {
        const [patient, ...rest] = await search(searchByNhsNumber('9690937278'));
        assert.equal(rest.length, 0);
        assert.equal(patient?.['id'], '1');
        assert.deepEqual((patient?.['identifier'] as { value: string }[]).map((i) => i.value), ['9690937278']);
        assert.deepEqual((patient?.['name'] as { family: string; use: string }[]).map((n) => [n.use, n.family]), [['official', 'SAMUAL']]);
        assert.equal(patient?.['birthDate'], '1938-12-11');
        assert.deepEqual(patient?.['managingOrganization'], { reference: 'Organization/1' });
      });
      test('the searchset bundle has no total, link or fullUrl', async () => {
        const bundle = expectResource<Record<string, unknown>>(await provider.send('searchPatients', { path: searchByNhsNumber('9690937278') }), 'Bundle');
        assert.equal(bundle['type'], 'searchset');
        assert.equal('total' in bundle || 'link' in bundle, false);
        assert.equal(JSON.stringify(bundle).includes('fullUrl'), false);
      });
      for (const [who, nhs] of [
        ['a sensitive patient', '9690938533'],
        ['a deceased patient', '9690938681'],
        ['a patient whose registration is no longer active', '9690938142'],
        ['a patient nobody holds', '9999999999'],
      ] as const) {
        test(`${who} is not disclosed: the bundle is empty`, async () => {
          assert.deepEqual(await search(searchByNhsNumber(nhs)), []);
        });
      }
      test('dissent does not apply to Foundations', async () => {
        assert.equal((await search(searchByNhsNumber('9690938576')))[0]?.['id'], '15');
      });
      test('unknown parameters such as _count and _sort are ignored', async () => {
        assert.equal((await search(`${searchByNhsNumber('9690937278')}&_count=1&_sort=name`)).length, 1);
      });

      const searchError = (name: string, path: string, error: Parameters<typeof expectOperationOutcome>[1]) =>
        test(`${name} is ${error}`, async () => {
          expectOperationOutcome(await provider.send('searchPatients', { path }), error);
        });
      searchError('no identifier parameter', 'Patient', 'BAD_REQUEST');
      searchError('the parameter spelt Identifier', `Patient?Identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|9690937278`, 'BAD_REQUEST');
      searchError('a repeated identifier', `${searchByNhsNumber('9690937278')}&identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|9690937286`, 'BAD_REQUEST');
      searchError('an identifier with no system', 'Patient?identifier=9690937278', 'INVALID_PARAMETER');
      searchError('an identifier with an empty system', 'Patient?identifier=|9690937278', 'INVALID_PARAMETER');
      searchError('an identifier with an empty value', `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|`, 'INVALID_PARAMETER');
      searchError('an unsupported identifier system', 'Patient?identifier=https://example.org/id|9690937278', 'INVALID_IDENTIFIER_SYSTEM');
      searchError('an NHS number that fails modulus 11', searchByNhsNumber('9690937279'), 'INVALID_NHS_NUMBER');
      searchError('an NHS number of nine digits', searchByNhsNumber('969093727'), 'INVALID_NHS_NUMBER');
    });

    describe('§2.2 unverified active records are traced against PDS before disclosure', () => {
      test('a record that matches PDS is verified, served and stays verified', async () => {
        const row = await findPatientByNhsNumber(provider.store.db, 'B82617', '9690937286');
        await sql`update patient set nhs_number_verification = '02' where practice_ods = 'B82617' and id = ${row!.id}`.execute(provider.store.db);
        const [patient] = await search(searchByNhsNumber('9690937286'));
        assert.equal(patient?.['id'], '2');
        const after = await findPatientByNhsNumber(provider.store.db, 'B82617', '9690937286');
        assert.equal(after?.nhs_number_verification, '01');
        assert.equal(after?.version, row!.version + 1);
        assert.equal((patient?.['meta'] as { versionId: string }).versionId, String(row!.version + 1));
      });
      test('a record whose demographics PDS cannot verify stays hidden and unverified', async () => {
        const row = await findPatientById(provider.store.db, 'B82617', '4');
        const resource = JSON.parse(row!.resource) as { birthDate: string; name: { family: string }[] };
        // Two parts of the birth date differ from PDS, so the names cannot rescue the match (§2.2).
        resource.birthDate = '1901-01-01';
        await sql`update patient set nhs_number_verification = '02', resource = ${JSON.stringify(resource)} where practice_ods = 'B82617' and id = '4'`.execute(provider.store.db);
        assert.deepEqual(await search(searchByNhsNumber(row!.nhs_number)), []);
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/4' }), 'PATIENT_NOT_FOUND');
        assert.equal((await findPatientById(provider.store.db, 'B82617', '4'))?.nhs_number_verification, '02');
      });
      test('a record whose number is not on PDS stays hidden', async () => {
        await sql`update patient set nhs_number_verification = '02' where practice_ods = 'B82617' and nhs_number = '9476718943'`.execute(provider.store.db);
        assert.deepEqual(await search(searchByNhsNumber('9476718943')), []);
        expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/14' }), 'PATIENT_NOT_FOUND');
      });
    });

    describe('§13 PDS flags hide a verified record too: the practice copy may lag behind PDS', () => {
      const pdsChanges = [
        ['sensitive (S-flag)', sql`sensitive = true`],
        ['deceased', sql`deceased_at = '2026-11-20'`],
        ['superseded by another number', sql`superseded_by = '9690938630'`],
        ['invalidated', sql`invalidated = true`],
      ] as const;
      for (const [flag, change] of pdsChanges) {
        test(`a patient PDS marks ${flag} is not disclosed: empty search, read 404 PATIENT_NOT_FOUND`, async () => {
          const row = await findPatientById(provider.store.db, 'B82617', '3');
          assert.equal(row?.nhs_number_verification, '01', 'the practice has verified this record');
          assert.equal((await search(searchByNhsNumber(row!.nhs_number))).length, 1);
          const pds = await findPdsPerson(provider.store.db, row!.nhs_number);
          await sql`update pds_person set ${change} where nhs_number = ${row!.nhs_number}`.execute(provider.store.db);
          try {
            assert.deepEqual(await search(searchByNhsNumber(row!.nhs_number)), []);
            expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/3' }), 'PATIENT_NOT_FOUND');
          } finally {
            await sql`update pds_person set sensitive = ${pds!.sensitive}, deceased_at = ${pds!.deceasedAt}, superseded_by = ${pds!.supersededBy}, invalidated = ${pds!.invalidated} where nhs_number = ${row!.nhs_number}`.execute(provider.store.db);
          }
          assert.equal((await search(searchByNhsNumber(row!.nhs_number))).length, 1, 'served again once PDS clears the flag');
        });
      }
    });

    describe('§2.3 read a patient', () => {
      test('reads an active patient with its ETag', async () => {
        const response = await provider.send('readPatient', { path: 'Patient/2' });
        const patient = expectResource(response, 'Patient');
        assert.equal(patient['id'], '2');
        assert.equal(response.headers['etag'], `W/"${(patient['meta'] as { versionId: string }).versionId}"`);
      });
      for (const [what, id] of [
        ['an unknown id', '9999'],
        ['a 58-digit id', '1'.repeat(58)],
        ['an id of 65 characters', 'a'.repeat(65)],
        ['a sensitive patient', '9'],
        ['a deceased patient', '18'],
        ['an inactive registration', '21'],
      ] as const) {
        test(`${what} is 404 PATIENT_NOT_FOUND`, async () => {
          expectOperationOutcome(await provider.send('readPatient', { path: `Patient/${id}` }), 'PATIENT_NOT_FOUND');
        });
      }
    });

    describe('§3-§5 practitioners, organisations and locations', () => {
      test('a practitioner is found by SDS user id and read by id', async () => {
        const found = bundleEntries(expectResource(await provider.send('searchPractitioners', { path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135` }), 'Bundle'));
        assert.equal(found.length, 1);
        const practitioner = expectResource(await provider.send('readPractitioner', { path: `Practitioner/${found[0]!['id'] as string}` }), 'Practitioner');
        assert.deepEqual((practitioner['name'] as { family: string }[])[0]?.family, 'Gilbert');
      });
      test('an SDS user id shared by two practitioner records finds both', async () => {
        const found = bundleEntries(expectResource(await provider.send('searchPractitioners', { path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G22222226` }), 'Bundle'));
        assert.equal(found.length, 2);
      });
      test('a practitioner who is not held gives an empty bundle; an unknown id is PRACTITIONER_NOT_FOUND', async () => {
        assert.deepEqual(bundleEntries(expectResource(await provider.send('searchPractitioners', { path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G99999999` }), 'Bundle')), []);
        expectOperationOutcome(await provider.send('readPractitioner', { path: 'Practitioner/999' }), 'PRACTITIONER_NOT_FOUND');
      });
      test('organisation search by ODS code returns every record with that code', async () => {
        const found = bundleEntries(expectResource(await provider.send('searchOrganizations', { path: `Organization?identifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|R1A14` }), 'Bundle'));
        assert.deepEqual(found.map((o) => o['name']).sort(), ['Test GP Care Trust', 'The Hockey Surgery']);
        const practice = bundleEntries(expectResource(await provider.send('searchOrganizations', { path: `Organization?identifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|B82617` }), 'Bundle'));
        assert.deepEqual(practice.map((o) => o['id']), ['1']);
      });
      test('an organisation is read by id; an unknown one is ORGANISATION_NOT_FOUND', async () => {
        const organisation = expectResource(await provider.send('readOrganization', { path: 'Organization/1' }), 'Organization');
        assert.equal(organisation['name'], 'COXWOLD SURGERY');
        expectOperationOutcome(await provider.send('readOrganization', { path: 'Organization/999' }), 'ORGANISATION_NOT_FOUND');
      });
      test('a location is read by id, managed by the practice; an unknown one is NO_RECORD_FOUND', async () => {
        const location = expectResource(await provider.send('readLocation', { path: 'Location/1' }), 'Location');
        assert.deepEqual(location['managingOrganization'], { reference: 'Organization/1' });
        assert.equal(Array.isArray(location['address']), false, 'STU3 Location.address is a single object');
        expectOperationOutcome(await provider.send('readLocation', { path: 'Location/999' }), 'NO_RECORD_FOUND');
      });
      for (const [name, path] of [
        ['searchPractitioners', 'Practitioner?identifier=|G13579135'],
        ['searchOrganizations', `Organization?identifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|`],
      ] as const) {
        test(`${name} with an empty system or value is 422 INVALID_PARAMETER`, async () => {
          expectOperationOutcome(await provider.send(name, { path }), 'INVALID_PARAMETER');
        });
      }
      test('practitioner and organisation searches need the identifier parameter, spelt exactly, once', async () => {
        expectOperationOutcome(await provider.send('searchPractitioners', { path: 'Practitioner' }), 'BAD_REQUEST');
        expectOperationOutcome(await provider.send('searchOrganizations', { path: `Organization?idenddtifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|B82617` }), 'BAD_REQUEST');
        expectOperationOutcome(await provider.send('searchOrganizations', { path: `Organization?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|B82617` }), 'INVALID_IDENTIFIER_SYSTEM');
        expectOperationOutcome(await provider.send('searchPractitioners', { path: `Practitioner?Identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135` }), 'BAD_REQUEST');
        expectOperationOutcome(
          await provider.send('searchPractitioners', { path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135&identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135` }),
          'BAD_REQUEST',
        );
        expectOperationOutcome(await provider.send('searchPractitioners', { path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|G13579135` }), 'INVALID_IDENTIFIER_SYSTEM');
      });
      test('directory interactions need organization/*.read', async () => {
        expectOperationOutcome(await provider.send('readLocation', { path: 'Location/1', claims: { requested_scope: 'patient/*.read' } }), 'BAD_REQUEST');
      });
    });
  });
}

