import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setStructuredAreasDisabled } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { TEST_CONSUMER } from '../testing/consumer-request.ts';
import { bundleEntries, expectOperationOutcome, expectResource, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

const SKELLY = '9690937286';
const nhs = (value: string) => ({ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value } });
const fullRecord = (sensitive: boolean) => ({ name: 'includeFullRecord', part: [{ name: 'includeSensitiveInformation', valueBoolean: sensitive }] });
const parameters = (...parameter: Json[]) => ({ resourceType: 'Parameters', parameter });
const NOPAT = { system: 'http://hl7.org/fhir/v3/ActCode', code: 'NOPAT', display: "no disclosure to patient, family or caregivers without attending provider's authorization" };
const RESTRICTED_SCOPE = { requested_scope: 'patient/*.read conf/R' };

for (const backend of testStoreBackends()) {
  describe(`structured.md §9 $gpc.migratestructuredrecord (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const migrate = (body: unknown, claims?: Json) => provider.send('migrateStructuredRecord', { body, ...(claims ? { claims } : {}) });
    /** The patient re-registers at the requesting practice: PDS now names it. */
    const reRegister = (ods: string | null) => provider.store.db.updateTable('pds_person').set({ gp_ods: ods }).where('nhs_number', '=', SKELLY).execute();

    test('only the practice PDS names as the patient\'s registered practice may migrate the record: otherwise NO_RELATIONSHIP', async () => {
      expectOperationOutcome(await migrate(parameters(nhs(SKELLY), fullRecord(false))), 'NO_RELATIONSHIP');
    });

    describe('once the patient has re-registered with the requesting practice', () => {
      before(() => reRegister(TEST_CONSUMER.organisation.odsCode));
      after(() => reRegister(PRACTICE.ods));

      test('the whole record, every area, whatever the practice has switched off; confidential items withheld', async () => {
        await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, ['allergies', 'consultations']);
        try {
          const resources = bundleEntries(expectResource(await migrate(parameters(nhs(SKELLY), fullRecord(false))), 'Bundle') as { entry: { resource: Json }[] });
          const titles = resources.filter((r) => r['resourceType'] === 'List' && r['encounter'] === undefined).map((l) => l['title']);
          for (const title of ['Allergies and adverse reactions', 'Ended allergies', 'Medications and medical devices', 'List of consultations', 'Problems', 'Immunisations', 'Uncategorised data', 'Investigations and results', 'Outbound referral', 'Patient recall administration']) {
            assert.ok(titles.includes(title), `${title} is returned`);
          }
          assert.equal(resources.some((r) => r['resourceType'] === 'OperationOutcome'), false, 'no warnings: nothing is switched off for a migration');
          const ids = resources.map((r) => r['id']);
          for (const confidential of ['2-med-4-statement', '2-observation-4']) assert.equal(ids.includes(confidential), false, `${confidential} is withheld`);
          // Prescription issues and ended allergies come whole.
          assert.ok(ids.includes('2-med-1-issue-1'));
        } finally {
          await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, []);
        }
      });

      test('with sensitive information and conf/R: the confidential items too, each labelled NOPAT', async () => {
        const resources = bundleEntries(expectResource(await migrate(parameters(nhs(SKELLY), fullRecord(true)), RESTRICTED_SCOPE), 'Bundle') as { entry: { resource: Json }[] });
        const byId = new Map(resources.map((r) => [r['id'], r]));
        for (const confidential of ['2-med-4-statement', '2-med-4-plan', '2-observation-4']) {
          assert.deepEqual((byId.get(confidential)?.['meta'] as Json | undefined)?.['security'], [NOPAT], `${confidential} is returned with NOPAT`);
        }
        assert.equal((byId.get('2-med-1-statement')!['meta'] as Json)['security'], undefined, 'items that are not confidential carry no label');
        // The depression problem now names its amitriptyline course.
        assert.ok(JSON.stringify(byId.get('2-problem-3')).includes('MedicationRequest/2-med-4-plan'));
      });

      test('sensitive information without conf/R in the scope: CONFLICTING_VALUES', async () => {
        expectOperationOutcome(await migrate(parameters(nhs(SKELLY), fullRecord(true))), 'CONFLICTING_VALUES');
      });

      test('every parameter rule, with its error: no warnings path', async () => {
        const cases: [string, unknown, Parameters<typeof expectOperationOutcome>[1], string][] = [
          ['an unknown parameter', parameters(nhs(SKELLY), fullRecord(false), { name: 'includeAllergies' }), 'INVALID_PARAMETER', 'includeAllergies'],
          ['no includeFullRecord', parameters(nhs(SKELLY)), 'INVALID_PARAMETER', 'includeFullRecord'],
          ['includeFullRecord without its part', parameters(nhs(SKELLY), { name: 'includeFullRecord' }), 'INVALID_PARAMETER', 'includeSensitiveInformation'],
          ['an unknown part', parameters(nhs(SKELLY), { name: 'includeFullRecord', part: [{ name: 'includeEverything', valueBoolean: true }] }), 'INVALID_PARAMETER', 'includeFullRecord.includeEverything'],
          ['no NHS number', parameters(fullRecord(false)), 'INVALID_PARAMETER', 'patientNHSNumber'],
          ['an invalid NHS number', parameters(nhs('9690937287'), fullRecord(false)), 'INVALID_NHS_NUMBER', 'patientNHSNumber'],
          ['not Parameters', { resourceType: 'Patient' }, 'INVALID_RESOURCE', 'Parameters'],
        ];
        for (const [why, body, error, named] of cases) {
          const diagnostics = expectOperationOutcome(await migrate(body), error);
          assert.ok(diagnostics?.includes(named), `${why}: ${diagnostics}`);
        }
      });

      test('a migration JWT must give reason_for_request migration', async () => {
        expectOperationOutcome(await migrate(parameters(nhs(SKELLY), fullRecord(false)), { reason_for_request: 'directcare' }), 'BAD_REQUEST');
      });
    });
  });
}
