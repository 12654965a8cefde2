import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

const ODS_FILTER = 'https://fhir.nhs.uk/Id/ods-organization-code|A20047';
const TYPE_FILTER = 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care';

/** A Slot search path with the required parameters; `extra` appends or (with `drop`) removes some. */
function slotSearch(params: { start?: string; end?: string; extra?: string[]; drop?: string[] } = {}): string {
  const all = [
    ['start', params.start ?? 'ge2026-11-24'],
    ['end', params.end ?? 'le2026-12-08'],
    ['status', 'free'],
    ['_include', 'Slot:schedule'],
    ['searchFilter', ODS_FILTER],
    ['searchFilter', TYPE_FILTER],
  ].filter(([name]) => !(params.drop ?? []).includes(name!));
  const query = all.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).concat(params.extra ?? []);
  return `Slot?${query.join('&')}`;
}

const byType = (resources: Json[], type: string) => resources.filter((r) => r['resourceType'] === type);

for (const backend of testStoreBackends()) {
  describe(`appointments.md §3 search for free slots (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const search = (path: string, headers?: Record<string, string>) => provider.send('searchFreeSlots', { path, ...(headers ? { headers } : {}) });
    const setSlot = (id: string, changes: Record<string, unknown>) => provider.store.db.updateTable('slot').set(changes).where('id', '=', id).execute();

    test('two weeks from today: every free slot wholly inside the window, each Schedule, and the managing Organizations', async () => {
      const resources = bundleEntries(expectResource(await search(slotSearch()), 'Bundle'));
      const slots = byType(resources, 'Slot');
      const freeInStore = await provider.store.db
        .selectFrom('slot')
        .select('id')
        .where('status', '=', 'free')
        .where('start_at', '>=', new Date('2026-11-24T00:00:00Z'))
        .where('end_at', '<=', new Date('2026-12-09T00:00:00Z'))
        .orderBy('start_at')
        .orderBy('id')
        .execute();
      assert.ok(slots.length >= 120, `${slots.length} slots`);
      assert.deepEqual(slots.map((s) => s['id']), freeInStore.map((r) => r.id));
      for (const slot of slots) {
        assert.equal(slot['status'], 'free');
        assert.match(slot['start'] as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[01]:00$/);
        assert.deepEqual((slot['meta'] as Json)['profile'], [PROFILES.slot]);
      }
      assert.deepEqual(byType(resources, 'Schedule').map((s) => s['id']).sort(), ['1', '2', '3']);
      // Locations 1 and 3 are ORG1's, 8 is ORG2's: both organisations come back, nothing else does.
      assert.deepEqual(byType(resources, 'Organization').map((o) => o['id']).sort(), ['1', '2']);
      assert.deepEqual(byType(resources, 'Practitioner'), []);
      assert.deepEqual(byType(resources, 'Location'), []);
      assert.equal(resources.length, slots.length + 3 + 2);
    });

    test('_include:recurse adds exactly the Practitioners and Locations the returned Schedules name', async () => {
      const path = slotSearch({
        start: 'ge2026-11-25',
        end: 'le2026-11-25',
        extra: ['_include:recurse=Schedule:actor:Practitioner', '_include:recurse=Schedule:actor:Location', '_include:recurse=Location:managingOrganization'],
      });
      const resources = bundleEntries(expectResource(await search(path), 'Bundle'));
      const schedules = byType(resources, 'Schedule');
      const actors = schedules.flatMap((s) => (s['actor'] as { reference: string }[]).map((a) => a.reference)).sort();
      const included = [...byType(resources, 'Practitioner'), ...byType(resources, 'Location')].map((r) => `${r['resourceType']}/${r['id']}`).sort();
      assert.deepEqual(included, [...new Set(actors)]);
      assert.ok(byType(resources, 'Slot').every((s) => (s['start'] as string).startsWith('2026-11-25')));
    });

    test('slots are returned only if wholly inside [start, end]: a window inside one slot finds nothing', async () => {
      const response = await search(slotSearch({ start: 'ge2026-11-25T09:02:00+00:00', end: 'le2026-11-25T09:09:00+00:00' }));
      assert.deepEqual(expectResource(response, 'Bundle')['entry'], undefined, 'an empty searchset, not even the Organization');
      const exact = bundleEntries(expectResource(await search(slotSearch({ start: 'ge2026-11-25T09:00:00+00:00', end: 'le2026-11-25T09:10:00+00:00' })), 'Bundle'));
      assert.deepEqual(byType(exact, 'Slot').map((s) => s['id']), ['1-202611250900', '3-202611250900']);
    });

    test('past slots can be searched: the 2017 ones are found', async () => {
      const resources = bundleEntries(expectResource(await search(slotSearch({ start: 'ge2017-02-20', end: 'le2017-03-01' })), 'Bundle'));
      assert.deepEqual(byType(resources, 'Slot').map((s) => s['id']), ['4-201702251035']);
    });

    test('date and date-time bounds can be mixed; an unencoded + in the offset is read as written', async () => {
      for (const [start, end] of [
        ['ge2026-11-25', 'le2026-11-26T23:59:59+00:00'],
        ['ge2026-11-25T00:00:00+00:00', 'le2026-11-26'],
      ]) {
        const slots = byType(bundleEntries(expectResource(await search(slotSearch({ start, end })), 'Bundle')), 'Slot');
        assert.ok(slots.length > 10, `${start} ${end}`);
      }
      const raw = `Slot?start=ge2026-11-25T09:00:00+00:00&end=le2026-11-25T09:10:00+00:00&status=free&_include=Slot:schedule`;
      assert.deepEqual(byType(bundleEntries(expectResource(await search(raw), 'Bundle')), 'Slot').map((s) => s['id']), ['1-202611250900', '3-202611250900']);
    });

    test('exactly 14 days is allowed, across the clock change too', async () => {
      expectResource(await search(slotSearch({ start: 'ge2026-11-25T00:00:00+00:00', end: 'le2026-12-09T00:00:00+00:00' })), 'Bundle');
      expectResource(await search(slotSearch({ start: 'ge2026-10-20T00:00:00+01:00', end: 'le2026-11-03T00:00:00+00:00' })), 'Bundle');
    });

    test('missing start, end or status, or no _include=Slot:schedule: 400 BAD_REQUEST', async () => {
      for (const drop of [['start'], ['end'], ['start', 'end'], ['status'], ['_include']]) {
        expectOperationOutcome(await search(slotSearch({ drop })), 'BAD_REQUEST');
      }
    });

    test('bad values, prefixes and windows: 422 INVALID_PARAMETER', async () => {
      const cases: [string, string][] = [
        ['ge2026-11-24', 'le2026-12-09'], // 15 days
        ['ge2026-11-24', 'le2026-12-25'], // 31 days
        ['ge2026-11-25', 'le2026-11-24'], // ends before it starts
        ['lt2026-11-24', 'gt2026-11-26'],
        ['gt2026-11-24', 'gt2026-11-26'],
        ['le2026-11-24', 'ge2026-11-26'],
        ['eq2026-11-24', 'eq2026-11-26'],
        ['ne2026-11-24', 'ne2026-11-26'],
        ['ge2026-11-24', 'ne2026-11-26'],
        ['xx2026-11-24', 'le2026-11-26'],
        ['2026-11-24', 'le2026-11-26'],
        ['geinvalidStartDate', 'le2026-11-26'],
        ['', 'le2026-11-26'],
        ['ge2026-11-24', ''],
        ['ge2026', 'le2026-11'],
        ['ge2026-11', 'le2026'],
        ['ge2026-11-24T10:00:00', 'le2026-11-26T10:00:00'],
        ['ge2026-11-24T10:00:00Z', 'le2026-11-26T10:00:00'],
        ['ge2026-11-24T10:00:00', 'le2026-11-26T10:00:00Z'],
        ['ge2026-02-30', 'le2026-03-02'],
      ];
      for (const [start, end] of cases) {
        const diagnostics = expectOperationOutcome(await search(slotSearch({ start, end })), 'INVALID_PARAMETER');
        assert.ok(diagnostics, `${start} ${end} says why`);
      }
      expectOperationOutcome(await search(slotSearch({ drop: ['status'], extra: ['status=busy'] })), 'INVALID_PARAMETER');
      expectOperationOutcome(await search(slotSearch({ extra: ['start=ge2026-11-25'] })), 'INVALID_PARAMETER');
      expectOperationOutcome(await search(slotSearch({ extra: ['searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|hospital'] })), 'INVALID_PARAMETER');
    });

    test('searchFilters of other systems are ignored', async () => {
      const plain = bundleEntries(expectResource(await search(slotSearch({ start: 'ge2026-11-25', end: 'le2026-11-25' })), 'Bundle'));
      const extra = ['searchFilter=https://fhir.nhs.uk/Id/uc-disposition|DX123', 'searchFilter=https://fhir.nhs.uk/Id/service-id|999'].map((f) => f.replace('|', '%7C'));
      const filtered = bundleEntries(expectResource(await search(slotSearch({ start: 'ge2026-11-25', end: 'le2026-11-25', extra })), 'Bundle'));
      assert.deepEqual(filtered, plain);
    });

    test('availability rules (§4): restrictions, GP Connect bookability and visits decide what each searcher sees', async () => {
      const day = { start: 'ge2026-11-26T09:00:00+00:00', end: 'le2026-11-26T10:00:00+00:00' };
      const ids = async (filters: string[]) => {
        const path = slotSearch({ ...day, drop: ['searchFilter'], extra: filters.map((f) => `searchFilter=${encodeURIComponent(f)}`) });
        return byType(bundleEntries(expectResource(await search(path), 'Bundle')), 'Slot').map((s) => s['id'] as string);
      };
      await setSlot('1-202611260900', { booking_org_types: ['urgent-care'] });
      await setSlot('1-202611260910', { booking_org_ods: ['A20047'] });
      await setSlot('1-202611260920', { booking_org_types: ['gp-practice'], booking_org_ods: ['A20047'] });
      await setSlot('1-202611260930', { gpconnect_bookable: false });
      await setSlot('1-202611260940', { delivery_channels: ['Visit'] });
      const unrestricted = ['1-202611260950'];
      assert.deepEqual(await ids([]), unrestricted);
      assert.deepEqual(await ids([TYPE_FILTER]), ['1-202611260900', ...unrestricted]);
      assert.deepEqual(await ids([ODS_FILTER]), ['1-202611260910', ...unrestricted]);
      assert.deepEqual(await ids([ODS_FILTER, TYPE_FILTER]), ['1-202611260900', '1-202611260910', ...unrestricted]);
      assert.deepEqual(await ids([ODS_FILTER, TYPE_FILTER.replace('urgent-care', 'gp-practice')]), ['1-202611260910', '1-202611260920', ...unrestricted]);
      assert.deepEqual(await ids(['https://fhir.nhs.uk/Id/ods-organization-code|B81016', TYPE_FILTER]), ['1-202611260900', ...unrestricted]);
    });

    test('XML is served on request, and the search is audited', async () => {
      const response = await search(slotSearch({ start: 'ge2026-11-25', end: 'le2026-11-25' }), { accept: 'application/fhir+xml' });
      const bundle = expectResource(response, 'Bundle', 200, 'xml');
      assert.ok(byType(bundleEntries(bundle), 'Slot').length > 0);
      const audited = await provider.store.db.selectFrom('audit_event').select(['interaction', 'outcome_code', 'practice_ods']).where('interaction', '=', 'searchFreeSlots').execute();
      assert.ok(audited.length > 0 && audited.every((a) => a.practice_ods === PRACTICE.ods));
    });
  });
}
