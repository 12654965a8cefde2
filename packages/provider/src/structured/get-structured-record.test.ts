import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, type SpineErrorName } from '@gpconnect/fhir';
import { queryAuditEvents, setStructuredAreasDisabled } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { registrationParameters, registrationPatient } from '../testing/consumer-request.ts';
import { bundleEntries, expectOperationOutcome, expectResource, PRACTICE, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;
type Parameter = Json;

const TRACE_ID = '5e9b2f4a-3d2c-4b7e-9a61-0c8d7f1e2a34';
const nhs = (value: string, system = 'https://fhir.nhs.uk/Id/nhs-number'): Parameter => ({ name: 'patientNHSNumber', valueIdentifier: { system, value } });
const parameters = (...parameter: Parameter[]) => ({ resourceType: 'Parameters', parameter });
const area = (name: string, ...part: Parameter[]): Parameter => (part.length > 0 ? { name, part } : { name });
const SKELLY = '9690937286';
const TOMORROW = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.parse(`${TODAY}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

for (const backend of testStoreBackends()) {
  describe(`structured.md $gpc.getstructuredrecord (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const get = (body: unknown) => provider.send('getStructuredRecord', { body });
    const types = (bundle: Json) => bundleEntries(bundle as { entry?: { resource: Json }[] }).map((r) => `${r['resourceType'] as string}/${(r['id'] as string | undefined) ?? ''}`);

    test('the NHS number alone: the Bundle (id = Ssp-TraceID) with the patient, the practice, the usual GP and their role', async () => {
      const bundle = expectResource(await get(parameters(nhs(SKELLY))), 'Bundle');
      assert.deepEqual([bundle['id'], bundle['type'], (bundle['meta'] as Json)['profile']], [TRACE_ID, 'collection', [PROFILES.structuredRecordBundle]]);
      assert.deepEqual(types(bundle), ['Patient/2', 'Organization/1', 'Practitioner/1', 'PractitionerRole/1']);
      for (const resource of bundleEntries(bundle as { entry: { resource: Json }[] })) {
        const meta = resource['meta'] as Json;
        assert.equal('versionId' in meta || 'lastUpdated' in meta, false, `${resource['resourceType'] as string} carries no version meta`);
      }
      assert.equal((bundle['entry'] as Json[]).some((e) => 'fullUrl' in e), false);
      const [audit] = await queryAuditEvents(provider.store.db, { patientNhsNumber: SKELLY, interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1' });
      assert.equal(audit?.outcome_code, 'OK');
    });

    test('an area the practice switched off (§7) is a disabled warning; the others are still returned', async () => {
      await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, ['allergies']);
      try {
        const body = parameters(nhs(SKELLY), area('includeAllergies', { name: 'includeResolvedAllergies', valueBoolean: true }), area('includeMedication'));
        const resources = bundleEntries(expectResource(await get(body), 'Bundle') as { entry: { resource: Json }[] });
        assert.deepEqual(resources.filter((r) => r['resourceType'] === 'List').map((l) => l['title']), ['Medications and medical devices', 'Problems - linked problems not relating to the primary query']);
        assert.equal(resources.some((r) => r['resourceType'] === 'AllergyIntolerance'), false);
        const outcome = resources.find((r) => r['resourceType'] === 'OperationOutcome') as { issue: { diagnostics: string }[] };
        assert.deepEqual(outcome.issue.map((i) => i.diagnostics), ['includeAllergies']);
      } finally {
        await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, []);
      }
    });

    test('unrecognised parameters and parts are warnings, at the least granular level', async () => {
      const body = parameters(nhs(SKELLY), area('includeFutureArea', { name: 'someFilter', valueBoolean: true }), area('includeProblems', { name: 'includeFuturePart', valueBoolean: true }));
      const outcome = bundleEntries(expectResource(await get(body), 'Bundle') as { entry: { resource: Json }[] }).find((r) => r['resourceType'] === 'OperationOutcome') as { issue: { details: { text: string }; diagnostics: string }[] };
      assert.deepEqual(outcome.issue.map((i) => [i.details.text, i.diagnostics]), [
        ['includeFutureArea is an unrecognised parameter', 'includeFutureArea'],
        ['includeProblems.includeFuturePart is an unrecognised parameter', 'includeProblems.includeFuturePart'],
      ]);
    });

    test('every parameter rule of §2 with its error, naming the parameter', async () => {
      const cases: [string, unknown, SpineErrorName, string][] = [
        ['not Parameters', { resourceType: 'Patient' }, 'INVALID_RESOURCE', 'Parameters'],
        ['no parameters', { resourceType: 'Parameters' }, 'INVALID_PARAMETER', 'recognised'],
        ['only unknown parameters', parameters(area('includeSomething')), 'INVALID_PARAMETER', 'recognised'],
        ['no NHS number', parameters(area('includeMedication')), 'INVALID_PARAMETER', 'patientNHSNumber'],
        ['NHS number twice', parameters(nhs(SKELLY), nhs(SKELLY)), 'INVALID_PARAMETER', 'patientNHSNumber'],
        ['NHS number of another system', parameters(nhs(SKELLY, 'https://example.org/id')), 'INVALID_PARAMETER', 'patientNHSNumber'],
        ['NHS number as a string', parameters({ name: 'patientNHSNumber', valueString: SKELLY }), 'INVALID_PARAMETER', 'patientNHSNumber'],
        ['invalid NHS number', parameters(nhs('9690937287')), 'INVALID_NHS_NUMBER', 'patientNHSNumber'],
        ['allergies without includeResolvedAllergies', parameters(nhs(SKELLY), area('includeAllergies')), 'INVALID_PARAMETER', 'includeResolvedAllergies'],
        ['a part without a value', parameters(nhs(SKELLY), area('includeAllergies', { name: 'includeResolvedAllergies' })), 'INVALID_PARAMETER', 'includeResolvedAllergies'],
        ['a part with the wrong type', parameters(nhs(SKELLY), area('includeAllergies', { name: 'includeResolvedAllergies', valueString: 'true' })), 'INVALID_PARAMETER', 'includeResolvedAllergies'],
        ['an area twice', parameters(nhs(SKELLY), area('includeMedication'), area('includeMedication')), 'INVALID_PARAMETER', 'includeMedication'],
        ['a partial date', parameters(nhs(SKELLY), area('includeMedication', { name: 'medicationSearchFromDate', valueDate: '2024-01' })), 'INVALID_PARAMETER', 'medicationSearchFromDate'],
        ['a date with a time', parameters(nhs(SKELLY), area('includeMedication', { name: 'medicationSearchFromDate', valueDate: '2024-01-01T10:00:00+00:00' })), 'INVALID_PARAMETER', 'medicationSearchFromDate'],
        ['a future medication date', parameters(nhs(SKELLY), area('includeMedication', { name: 'medicationSearchFromDate', valueDate: TOMORROW })), 'INVALID_PARAMETER', 'medicationSearchFromDate'],
        ['a period starting after it ends', parameters(nhs(SKELLY), area('includeConsultations', { name: 'consultationSearchPeriod', valuePeriod: { start: '2020-02-01', end: '2020-01-01' } })), 'INVALID_PARAMETER', 'consultationSearchPeriod'],
        ['a period ending in the future', parameters(nhs(SKELLY), area('includeUncategorisedData', { name: 'uncategorisedDataSearchPeriod', valuePeriod: { end: TOMORROW } })), 'INVALID_PARAMETER', 'uncategorisedDataSearchPeriod.end'],
        ['a partial period date', parameters(nhs(SKELLY), area('includeInvestigations', { name: 'investigationSearchPeriod', valuePeriod: { start: '2020' } })), 'INVALID_PARAMETER', 'investigationSearchPeriod.start'],
        ['a referral period in the future', parameters(nhs(SKELLY), area('includeReferrals', { name: 'referralSearchPeriod', valuePeriod: { start: TOMORROW } })), 'INVALID_PARAMETER', 'referralSearchPeriod.start'],
        [
          'a consultation period and a most-recent count',
          parameters(nhs(SKELLY), area('includeConsultations', { name: 'consultationSearchPeriod', valuePeriod: { start: '2020-01-01' } }, { name: 'includeNumberOfMostRecent', valuePositiveInt: 3 })),
          'INVALID_RESOURCE',
          'includeNumberOfMostRecent',
        ],
        ['a most-recent count of zero', parameters(nhs(SKELLY), area('includeConsultations', { name: 'includeNumberOfMostRecent', valuePositiveInt: 0 })), 'INVALID_PARAMETER', 'includeNumberOfMostRecent'],
        ['a problem status other than active or inactive', parameters(nhs(SKELLY), area('includeProblems', { name: 'filterStatus', valueCode: 'resolved' })), 'INVALID_PARAMETER', 'filterStatus'],
        ['consultations with a medication date', parameters(nhs(SKELLY), area('includeConsultations'), area('includeMedication', { name: 'medicationSearchFromDate', valueDate: '2024-01-01' })), 'INVALID_PARAMETER', 'medicationSearchFromDate'],
        ['problems with includeNotGiven', parameters(nhs(SKELLY), area('includeProblems'), area('includeImmunisations', { name: 'includeNotGiven', valueBoolean: true })), 'INVALID_PARAMETER', 'includeNotGiven'],
        ['a diary date in the past', parameters(nhs(SKELLY), area('includeDiaryEntries', { name: 'diaryEntriesSearchDate', valueDate: YESTERDAY })), 'INVALID_PARAMETER', 'diaryEntriesSearchDate'],
      ];
      for (const [why, body, code, parameter] of cases) {
        const response = await get(body);
        assert.equal(response.statusCode, code === 'INVALID_NHS_NUMBER' ? 400 : 422, `${why}: ${response.body.slice(0, 200)}`);
        assert.ok((expectOperationOutcome(response, code) ?? '').includes(parameter), `${why}: the diagnostics name ${parameter}`);
      }
      // Problems may be filtered by status; consultations and problems go together; a diary date today is allowed.
      expectResource(await get(parameters(nhs(SKELLY), area('includeConsultations', { name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }), area('includeProblems'))), 'Bundle');
      expectResource(await get(parameters(nhs(SKELLY), area('includeDiaryEntries', { name: 'diaryEntriesSearchDate', valueDate: TODAY }))), 'Bundle');
    });

    test('patient rules: unknown, sensitive, deceased, no longer registered or temporary are PATIENT_NOT_FOUND; dissent is NO_PATIENT_CONSENT', async () => {
      for (const number of ['9999999999', '9690938533', '9690938681', '9690938142']) {
        expectOperationOutcome(await get(parameters(nhs(number))), 'PATIENT_NOT_FOUND');
      }
      expectOperationOutcome(await get(parameters(nhs('9690938576'))), 'NO_PATIENT_CONSENT');
      const rea = { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' };
      expectResource(await provider.send('registerPatient', { body: registrationParameters(registrationPatient(rea)) }), 'Bundle');
      expectOperationOutcome(await get(parameters(nhs(rea.nhsNumber))), 'PATIENT_NOT_FOUND');
    });
  });
}
