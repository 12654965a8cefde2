import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { expectOperationOutcome, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { careRecordParameters, checkCareRecordBundle, expectDstu2Bundle, getCareRecord, type CareRecordAsk } from './html-test-support.ts';

type Json = Record<string, unknown>;

/** The roster's 1.x patient2: the richest record (every area, links, confidential items). */
const RICH = '9690937286';
const EMPTY_ALLERGIES_AND_MEDICATION = '9690937278';

const SECTION_TABLES: Record<string, string[]> = {
  SUM: ['enc-tab', 'prb-tab-act', 'prb-tab-majinact', 'all-tab-curr', 'med-tab-acu-med', 'med-tab-curr-rep'],
  PRB: ['prb-tab-act', 'prb-tab-majinact', 'prb-tab-othinact'],
  ALL: ['all-tab-curr', 'all-tab-hist'],
  MED: ['med-tab-acu-med', 'med-tab-curr-rep', 'med-tab-dis-rep', 'med-tab-all-sum', 'med-tab-all-iss'],
  ENC: ['enc-tab'],
  CLI: ['cli-tab'],
  REF: ['ref-tab'],
  OBS: ['obs-tab'],
  IMM: ['imm-tab'],
  ADM: ['adm-tab'],
};

for (const backend of testStoreBackends()) {
  describe(`Access Record HTML $gpc.getcarerecord (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const ask = (nhsNumber: string, section: string, period?: CareRecordAsk['period']) => getCareRecord(provider, { nhsNumber, section, ...(period ? { period } : {}) });
    const send = (body: unknown, nhsNumber = RICH, claims?: Json) => provider.send('getCareRecord', { body, requestedRecord: { nhsNumber }, ...(claims ? { claims } : {}) });
    const firstColumn = (rows: string[][] | undefined) => (rows ?? []).map((r) => r[0]);

    describe('§4 the response Bundle', () => {
      test('Composition, Patient, Organization, Device and usual GP, in 0.7.x shapes, with the trace id as Bundle id', async () => {
        const { bundle, resources, composition } = await ask(RICH, 'SUM');
        assert.equal(bundle['id'], '5e9b2f4a-3d2c-4b7e-9a61-0c8d7f1e2a34');
        assert.deepEqual(resources.map((r) => r['resourceType']), ['Composition', 'Patient', 'Organization', 'Device', 'Practitioner']);
        const [, patient, organisation, device, practitioner] = resources as [Json, Json, Json, Json, Json];
        assert.deepEqual(patient['identifier'], [{ system: 'http://fhir.nhs.net/Id/nhs-number', value: RICH }]);
        assert.deepEqual((patient['name'] as Json[])[0], { use: 'official', family: ['SKELLY'], given: ['Horace'], prefix: ['Mr'] });
        assert.equal(patient['birthDate'], '1925-04-21');
        assert.deepEqual(patient['managingOrganization'], { reference: `Organization/${organisation['id'] as string}` });
        assert.deepEqual(patient['careProvider'], [{ reference: `Practitioner/${practitioner['id'] as string}` }]);
        assert.deepEqual(organisation['identifier'], [{ system: 'http://fhir.nhs.net/Id/ods-organization-code', value: 'B82617' }]);
        assert.deepEqual((device['type'] as { coding: Json[] }).coding[0], { system: 'http://snomed.info/sct', code: '462240000', display: 'Patient health record information system (physical object)' });
        const role = ((practitioner['practitionerRole'] as Json[])[0]!['role'] as { coding: Json[] }).coding[0]!;
        assert.deepEqual(Object.keys(role).sort(), ['code', 'display', 'system']);
        assert.equal(composition['date'], '2026-11-24T10:00:00+00:00');
      });

      for (const [section, ids] of Object.entries(SECTION_TABLES)) {
        test(`${section}: the tables the section lays out, each with its columns, or the "no data" notice`, async () => {
          const { narrative } = await ask(RICH, section);
          const tables = ids.map((id) => narrative.table(id)).filter((table) => table !== undefined);
          const notices = narrative.texts('p').filter((p) => /^No '.+' data is recorded for this patient\.$/.test(p));
          // Each subsection is either its table or its no-data notice, never both, never neither.
          assert.equal(tables.length + notices.length, ids.length, `${section}: ${ids.join(', ')}`);
          assert.equal(narrative.texts('table').length, tables.length, 'no table other than the section\'s own');
          for (const table of tables) assert.ok(table.columns.length >= 2 && table.rows.length > 0, 'each table has its header and rows');
        });
      }

      test('the response in XML is the same Bundle, with the narrative as XHTML in its namespace', async () => {
        const response = await provider.send('getCareRecord', { body: careRecordParameters({ nhsNumber: RICH, section: 'ALL' }), requestedRecord: { nhsNumber: RICH }, headers: { accept: 'application/xml+fhir' } });
        assert.match(response.body, /<div xmlns="http:\/\/www.w3.org\/1999\/xhtml"><h1>Allergies and Adverse Reactions<\/h1>/);
        const { narrative } = checkCareRecordBundle(expectDstu2Bundle(response, 'xml'), 'ALL');
        assert.deepEqual(firstColumn(narrative.table('all-tab-curr')?.rows), ['23-Nov-2012', '23-Nov-1996']);
      });
    });

    describe('§5-§6 section content, from the same record the structured API serves', () => {
      test('ALL: current allergies newest first with their reactions; ended ones with their end and why', async () => {
        const { narrative } = await ask(RICH, 'ALL');
        assert.deepEqual(narrative.table('all-tab-curr'), {
          columns: ['Start Date', 'Details'],
          rows: [
            ['23-Nov-2012', 'Amoxicillin 250mg capsules\nReaction: O/E - itchy rash (mild)'],
            ['23-Nov-1996', 'Peanut - dietary\nReaction: Vomiting (severe)'],
          ],
        });
        assert.deepEqual(narrative.table('all-tab-hist'), {
          columns: ['Start Date', 'End Date', 'Details'],
          rows: [['24-Nov-2011', '23-Nov-2020', 'Aspirin 75mg dispersible tablet\nReaction: Vomiting (moderate)\nEnded: Patient reports no subsequent recurrence on same medication']],
        });
        assert.deepEqual(narrative.banners('date-banner'), [], 'allergies are never filtered by date');
      });

      test('PRB: active problems; inactive ones split by significance; related problems named', async () => {
        const { narrative } = await ask(RICH, 'PRB');
        const active = narrative.table('prb-tab-act')!;
        assert.deepEqual(active.columns, ['Start Date', 'Entry', 'Significance', 'Details']);
        assert.deepEqual(active.rows.map((r) => [r[1], r[2]]), [['Amoxicillin 250mg capsules', 'Major'], ['Depressive disorder', 'Minor'], ['Stable angina', 'Major'], ['Essential hypertension', 'Major']]);
        assert.equal(active.rows[2]![3], 'Parent problem: Essential hypertension');
        assert.deepEqual(narrative.texts('p').filter((p) => p.startsWith('No ')), ["No 'Major Inactive Problems and Issues' data is recorded for this patient."]);
        assert.deepEqual(narrative.table('prb-tab-othinact')?.rows.map((r) => r.slice(0, 4)), [
          ['20-Oct-2025', '27-Oct-2025', 'Chest infection - unspecified bronchitis', 'Minor'],
          ['03-Jun-2021', '03-Jun-2021', 'First hepatitis A vaccination', 'Minor'],
        ]);
      });

      test('MED: current repeats with their issues and links, grouped all-medication tables, the confidential course withheld with the banner', async () => {
        const { narrative, bundle } = await ask(RICH, 'MED');
        const current = narrative.table('med-tab-curr-rep')!;
        assert.deepEqual(current.columns, ['Type', 'Start Date', 'Medication Item', 'Dosage Instruction', 'Quantity', 'Last Issued Date', 'Number of Prescriptions Issued', 'Max Issues', 'Review Date', 'Additional Information']);
        assert.deepEqual(current.rows, [
          ['Repeat', '24-Dec-2024', 'Metformin 500mg tablets', 'One tablet twice a day with meals', '112 tablet', '04-Nov-2026', '3', '6', '', ''],
          ['Repeat', '11-Sep-2021', 'Aspirin 75mg dispersible tablets', 'One tablet daily', '56 tablet', '25-Oct-2026', '3', '12', '', 'Linked problems: Stable angina'],
        ]);
        const issues = narrative.table('med-tab-all-iss')!;
        // A group row names the item, then its issues newest first; groups A to Z.
        assert.deepEqual(issues.rows.filter((r) => r[1] === '').map((r) => r[0]), ['Amoxicillin 250mg capsules', 'Aspirin 75mg dispersible tablets', 'Metformin 500mg tablets']);
        assert.deepEqual(issues.rows.filter((r) => r[2] === 'Metformin 500mg tablets').map((r) => r[1]), ['04-Nov-2026', '09-Sep-2026', '15-Jul-2026']);
        assert.ok(narrative.banners('content-banner').includes('All repeat medication ended by a clinician action'));
        assert.ok(narrative.banners('exclusion-banner').includes('Items excluded due to confidentiality and/or patient preferences'));
        assert.equal(JSON.stringify(bundle).includes('Amitriptyline'), false, 'the confidential course appears nowhere');
      });

      test('OBS: values with units and reference ranges, test results included, the confidential reading withheld', async () => {
        const { narrative } = await ask(RICH, 'OBS');
        const rows = narrative.table('obs-tab')!.rows;
        assert.deepEqual(rows[0]!.slice(0, 3), ['25-Oct-2026', 'On examination - blood pressure reading', '138/86 mm[Hg]']);
        assert.deepEqual(rows.find((r) => r[1] === 'Haemoglobin estimation')?.slice(2, 4), ['142 g/L', '115 g/L - 165 g/L']);
        assert.equal(rows.some((r) => r[1]?.includes('oxygen saturation')), false);
        assert.deepEqual(narrative.banners('exclusion-banner'), ['Items excluded due to confidentiality and/or patient preferences']);
      });

      test('ENC: each consultation with what was recorded under its headings; SUM keeps the last three', async () => {
        const encounters = (await ask(RICH, 'ENC')).narrative.table('enc-tab')!;
        assert.deepEqual(firstColumn(encounters.rows), ['10-Nov-2026', '25-Oct-2026', '10-Oct-2026', '08-May-2026', '28-Jan-2026', '20-Oct-2025']);
        assert.match(encounters.rows[1]![2]!, /Hypertension review - Examination: On examination - blood pressure reading 138\/86 mm\[Hg\]/);
        assert.match(encounters.rows[0]![2]!, /Consultation not yet finalised/);
        const summary = (await ask(RICH, 'SUM')).narrative;
        assert.deepEqual(firstColumn(summary.table('enc-tab')?.rows), ['10-Nov-2026', '25-Oct-2026', '10-Oct-2026']);
        assert.deepEqual(summary.texts('h2'), [
          'Last 3 Encounters',
          'Active Problems and Issues',
          'Major Inactive Problems and Issues',
          'Current Allergies and Adverse Reactions',
          'Acute Medication (Last 12 Months)',
          'Current Repeat Medication',
        ]);
        assert.deepEqual(summary.banners('date-banner'), [], 'the summary has no date banners');
      });

      test('REF, ADM and IMM: referrals with priority and reason, recalls when due, vaccinations with their part', async () => {
        assert.deepEqual((await ask(RICH, 'REF')).narrative.table('ref-tab')?.rows[0], ['19-Mar-2026', 'Miss Nichole Gilbert', '', 'Routine', 'Referral to physiotherapist\nKnee pain on walking']);
        assert.deepEqual((await ask(RICH, 'ADM')).narrative.table('adm-tab')?.rows, [['23-May-2027', 'Medication review due', 'Due\nRecorded: 04-Nov-2026']]);
        assert.deepEqual((await ask(RICH, 'IMM')).narrative.table('imm-tab')?.rows[0]?.slice(0, 3), ['03-Jun-2021', 'First hepatitis A vaccination', '1 of 2']);
      });

      test('nothing recorded: the notice names the subsection', async () => {
        const { narrative } = await ask(EMPTY_ALLERGIES_AND_MEDICATION, 'ALL');
        assert.deepEqual(narrative.texts('p'), [
          "No 'Current Allergies and Adverse Reactions' data is recorded for this patient.",
          "No 'Historical Allergies and Adverse Reactions' data is recorded for this patient.",
        ]);
        assert.deepEqual((await ask(EMPTY_ALLERGIES_AND_MEDICATION, 'CLI')).narrative.texts('p').at(-1), "No 'Clinical Items' data is recorded for this patient.");
      });
    });

    describe('§5-§6 time periods', () => {
      test('both ends: whole days inclusive, and the banner quotes them', async () => {
        const { narrative } = await ask(RICH, 'ENC', { start: '2026-01-28', end: '2026-10-10' });
        assert.deepEqual(narrative.banners('date-banner'), ["For the period '28-Jan-2026' to '10-Oct-2026'"]);
        assert.deepEqual(firstColumn(narrative.table('enc-tab')?.rows), ['10-Oct-2026', '08-May-2026', '28-Jan-2026']);
      });

      test('start only, end only, partial dates and a dateTime with its offset', async () => {
        const from = (await ask(RICH, 'OBS', { start: '2026-10' })).narrative;
        assert.deepEqual(from.banners('date-banner'), ["Data items from '01-Oct-2026'"]);
        assert.ok(firstColumn(from.table('obs-tab')?.rows).every((date) => /-(Oct|Nov)-2026$/.test(date!)));
        const until = (await ask(RICH, 'REF', { end: '2026-02-15T12:00:00+00:00' })).narrative;
        assert.deepEqual(until.banners('date-banner'), ["Data items until '15-Feb-2026'"]);
        assert.deepEqual(firstColumn(until.table('ref-tab')?.rows), ['28-Jan-2026']);
        const year = (await ask(RICH, 'ENC', { start: '2025', end: '2025' })).narrative;
        assert.deepEqual(year.banners('date-banner'), ["For the period '01-Jan-2025' to '31-Dec-2025'"]);
        assert.deepEqual(firstColumn(year.table('enc-tab')?.rows), ['20-Oct-2025']);
      });

      test('PRB and MED: the "all items" subsections say the filter was not applied; the others filter', async () => {
        const problems = (await ask(RICH, 'PRB', { start: '2021-01-01', end: '2021-12-31' })).narrative;
        assert.deepEqual(problems.banners('date-banner'), ['Date filter not applied', "For the period '01-Jan-2021' to '31-Dec-2021'", "For the period '01-Jan-2021' to '31-Dec-2021'"]);
        assert.equal(problems.table('prb-tab-act')?.rows.length, 4);
        assert.deepEqual(problems.table('prb-tab-othinact')?.rows.map((r) => r[2]), ['First hepatitis A vaccination']);
        // All Medication keeps a course overlapping the period; its issues come with it, whatever their dates.
        const medication = (await ask(RICH, 'MED', { start: '2021-10-01', end: '2021-10-31' })).narrative;
        assert.deepEqual(medication.table('med-tab-all-sum')?.rows.filter((r) => r[1] !== '').map((r) => r[2]), ['Aspirin 75mg dispersible tablets']);
        assert.deepEqual(medication.table('med-tab-all-iss')?.rows.filter((r) => r[1] !== '').map((r) => r[1]), ['25-Oct-2026', '30-Aug-2026', '31-Oct-2021']);
        assert.equal(medication.table('med-tab-curr-rep')?.rows.length, 2, 'current repeats are never filtered');
      });
    });

    describe('§3 errors', () => {
      const parameters = (...parameter: Json[]) => ({ resourceType: 'Parameters', parameter });
      const nhs = (value = RICH, system = 'http://fhir.nhs.net/Id/nhs-number') => ({ name: 'patientNHSNumber', valueIdentifier: { system, value } });
      const section = (code: string, system = 'http://fhir.nhs.net/ValueSet/gpconnect-record-section-1') => ({ name: 'recordSection', valueCodeableConcept: { coding: [{ system, code }] } });
      const period = (valuePeriod: Json, code = 'ENC') => [section(code), { name: 'timePeriod', valuePeriod }];
      const cases: [string, unknown, string][] = [
        ['no recordSection', parameters(nhs()), 'BAD_REQUEST'],
        ['two recordSections', parameters(nhs(), section('SUM'), section('ALL')), 'BAD_REQUEST'],
        ['the same recordSection twice', parameters(nhs(), section('SUM'), section('SUM')), 'BAD_REQUEST'],
        ['a recordSection of another system', parameters(nhs(), section('SUM', 'http://GPConnectTest.nhs.net/ValueSet/record-section')), 'BAD_REQUEST'],
        ['a recordSection as a string', parameters(nhs(), { name: 'recordSection', valueString: 'SUM' }), 'BAD_REQUEST'],
        ['an unknown section', parameters(nhs(), section('ZZZ')), 'INVALID_PARAMETER'],
        ['a lower-case section', parameters(nhs(), section('sum')), 'INVALID_PARAMETER'],
        ['no patientNHSNumber', parameters(section('SUM')), 'BAD_REQUEST'],
        ['two patientNHSNumbers', parameters(nhs(), nhs('9690937278'), section('SUM')), 'BAD_REQUEST'],
        ['the NHS number as a string', parameters({ name: 'patientNHSNumber', valueString: RICH }, section('SUM')), 'BAD_REQUEST'],
        ['an NHS number failing its check digit', parameters(nhs('1234567891'), section('SUM')), 'INVALID_NHS_NUMBER'],
        ['an NHS number of another system', parameters(nhs(RICH, 'http://GPConnectTest.nhs.net/Id/identifierSystem'), section('SUM')), 'INVALID_IDENTIFIER_SYSTEM'],
        ['a mis-cased parameter name', parameters(nhs(), { name: 'RecordSection', valueCodeableConcept: { coding: [] } }), 'INVALID_PARAMETER'],
        ['an unknown parameter', parameters(nhs(), section('SUM'), { name: 'TIMEPERIOD', valuePeriod: { start: '2016' } }), 'INVALID_PARAMETER'],
        ['a resource other than Parameters', { resourceType: 'Patient' }, 'INVALID_RESOURCE'],
        ['an unparsable start', parameters(nhs(), ...period({ start: 'abcd', end: '2016' })), 'INVALID_PARAMETER'],
        ['an unparsable end', parameters(nhs(), ...period({ start: '2014', end: 'abcd' })), 'INVALID_PARAMETER'],
        ['a start after the end', parameters(nhs(), ...period({ start: '2016', end: '2014' })), 'INVALID_PARAMETER'],
        ['an empty period', parameters(nhs(), ...period({})), 'INVALID_PARAMETER'],
        ['a dateTime without offset', parameters(nhs(), ...period({ start: '2016-01-01T10:00:00' })), 'INVALID_PARAMETER'],
        ['a day not in the calendar', parameters(nhs(), ...period({ start: '2016-02-30' })), 'INVALID_PARAMETER'],
        ['a period for the summary', parameters(nhs(), ...period({ start: '2016' }, 'SUM')), 'BAD_REQUEST'],
        ['a period for allergies', parameters(nhs(), ...period({ start: '2016' }, 'ALL')), 'BAD_REQUEST'],
        ['a period for immunisations', parameters(nhs(), ...period({ start: '2016' }, 'IMM')), 'BAD_REQUEST'],
      ];
      for (const [name, body, code] of cases) {
        test(`${name} is ${code}`, async () => {
          expectOperationOutcome(await send(body), code as never, { dialect: 'dstu2' });
        });
      }

      test('an empty body is 400', async () => {
        expectOperationOutcome(await send(''), 'BAD_REQUEST', { dialect: 'dstu2' });
      });

      test("the token's requested_record must name the patient asked for, with the fixed 0.7.x audience", async () => {
        const body = careRecordParameters({ nhsNumber: RICH, section: 'SUM' });
        expectOperationOutcome(await send(body, EMPTY_ALLERGIES_AND_MEDICATION), 'BAD_REQUEST', { dialect: 'dstu2' });
        expectOperationOutcome(await send(body, RICH, { requested_record: undefined }), 'BAD_REQUEST', { dialect: 'dstu2' });
        expectOperationOutcome(await send(body, RICH, { requested_record: { resourceType: 'Organization', identifier: [] } }), 'BAD_REQUEST', { dialect: 'dstu2' });
        expectOperationOutcome(await send(body, RICH, { aud: 'https://provider.example.nhs.uk/B82617/DSTU2/1' }), 'BAD_REQUEST', { dialect: 'dstu2' });
        expectOperationOutcome(await send(body, RICH, { requested_scope: 'organization/*.read' }), 'BAD_REQUEST', { dialect: 'dstu2' });
      });

      const patientCases: [string, string, string][] = [
        ['held nowhere', '9999999999', 'PATIENT_NOT_FOUND'],
        ['flagged sensitive', '9658220142', 'PATIENT_NOT_FOUND'],
        ['whose NHS number PDS has superseded', '9658220223', 'PATIENT_NOT_FOUND'],
        ['who dissented from sharing', '9658220169', 'NO_PATIENT_CONSENT'],
      ];
      for (const [name, nhsNumber, code] of patientCases) {
        test(`a patient ${name} is ${code}`, async () => {
          expectOperationOutcome(await send(careRecordParameters({ nhsNumber, section: 'SUM' }), nhsNumber), code as never, { dialect: 'dstu2' });
        });
      }
    });

    describe('§3 and §6 patient circumstances', () => {
      test('a patient who died within the last 28 days is served, with the date of death', async () => {
        const { resources } = await ask('9658220290', 'SUM');
        assert.equal(resources[1]!['deceasedDateTime'], '2026-11-17T00:00:00+00:00');
      });

      test('a record still arriving from the previous practice carries the transfer banner with the registration date', async () => {
        const { narrative } = await ask('9658219691', 'ENC');
        assert.deepEqual(narrative.banners('gptransfer-banner'), ['Patient record transfer from previous GP practice not yet complete; information recorded before 26-Aug-2025 may be missing']);
        assert.deepEqual(firstColumn(narrative.table('enc-tab')?.rows), ['12-Sep-2026', '06-Jun-2026', '13-Dec-2025', '11-Oct-2025', '06-Sep-2025']);
      });
    });

    describe('the HTML cohort of the roster (testdata README)', () => {
      const sections = Object.keys(SECTION_TABLES);
      const noData = (texts: string[]) => texts.filter((p) => /^No '.+' data is recorded for this patient\.$/.test(p));

      test('9658218873: data in every section and subsection, dated 01-May-2015 to 01-Jul-2016 but for recent acute medication', async () => {
        for (const section of sections) {
          const { narrative } = await ask('9658218873', section);
          assert.deepEqual(noData(narrative.texts('p')), [], `${section} has data in every table`);
          for (const id of SECTION_TABLES[section]!.filter((id) => id !== 'med-tab-acu-med')) {
            for (const row of narrative.table(id)!.rows) {
              const date = row.find((cell) => /^\d{2}-[A-Z][a-z]{2}-\d{4}$/.test(cell));
              if (!date || id === 'adm-tab' || id.startsWith('med-tab')) continue;
              const iso = new Date(`${date} UTC`).toISOString().slice(0, 10);
              assert.ok(iso >= '2015-05-01' && iso <= '2016-07-01', `${section} ${id}: ${date}`);
            }
          }
        }
        const recent = (await ask('9658218873', 'MED')).narrative.table('med-tab-acu-med')!.rows;
        assert.deepEqual(recent.map((r) => [r[1], r[2]]), [['25-Sep-2026', 'Prednisolone 5mg tablets']]);
      });

      test('9658218865: nothing recorded in any section', async () => {
        for (const section of sections) {
          const { narrative } = await ask('9658218865', section);
          assert.equal(noData(narrative.texts('p')).length, SECTION_TABLES[section]!.length, `${section}: every table is the no-data notice`);
        }
      });

      test('9658218881 and 9658218903: the mixes of current and historical allergies, medication and problems the roster describes', async () => {
        const three = async (section: string) => noData((await ask('9658218881', section)).narrative.texts('p'));
        assert.deepEqual(await three('ALL'), ["No 'Historical Allergies and Adverse Reactions' data is recorded for this patient."]);
        assert.deepEqual(await three('PRB'), ["No 'Major Inactive Problems and Issues' data is recorded for this patient.", "No 'Other Inactive Problems and Issues' data is recorded for this patient."]);
        assert.deepEqual(await three('MED'), ["No 'Current Repeat Medication' data is recorded for this patient.", "No 'Discontinued Repeat Medication' data is recorded for this patient."]);
        const four = async (section: string) => noData((await ask('9658218903', section)).narrative.texts('p'));
        assert.deepEqual(await four('ALL'), ["No 'Current Allergies and Adverse Reactions' data is recorded for this patient."]);
        assert.deepEqual(await four('PRB'), ["No 'Active Problems and Issues' data is recorded for this patient."]);
        assert.ok((await four('MED')).includes("No 'Acute Medication (Last 12 Months)' data is recorded for this patient."));
      });
    });
  });
}
