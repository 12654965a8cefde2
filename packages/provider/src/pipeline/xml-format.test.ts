import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fhirJsonToXml, IDENTIFIER_SYSTEMS, type InteractionName } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, fhirBody, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { registrationParameters, registrationPatient } from '../testing/consumer-request.ts';

/** Every Foundations read-only interaction (and the other roots' metadata), with a request that succeeds. */
const READS: [InteractionName, string, string][] = [
  ['metadata', 'metadata', 'CapabilityStatement'],
  ['structuredMetadata', 'metadata', 'CapabilityStatement'],
  ['documentsMetadata', 'metadata', 'CapabilityStatement'],
  ['readPatient', 'Patient/1', 'Patient'],
  ['searchPatients', `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|9690937278`, 'Bundle'],
  ['readPractitioner', 'Practitioner/1', 'Practitioner'],
  ['searchPractitioners', `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135`, 'Bundle'],
  ['readOrganization', 'Organization/1', 'Organization'],
  ['searchOrganizations', `Organization?identifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|B82617`, 'Bundle'],
  ['readLocation', 'Location/1', 'Location'],
];

/** People on PDS but not held by the practice (roster pdsOnlyPatients), one per registration below. */
const PEOPLE = [
  { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' },
  { nhsNumber: '9651258519', family: 'SOFFE', given: 'Oscar', gender: 'male', birthDate: '1937-03-11' },
  { nhsNumber: '9651258527', family: 'FLYNN', given: 'Tommy', gender: 'male', birthDate: '1950-04-10' },
];

const registration = (person: (typeof PEOPLE)[number], extra: Record<string, unknown> = {}) => registrationParameters(registrationPatient(person, extra));

const XML = 'application/fhir+xml';

for (const backend of testStoreBackends()) {
  describe(`§4 every Foundations interaction in XML (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    for (const [name, path, resourceType] of READS) {
      test(`${name}: the XML response reads back to the JSON response (Accept and _format)`, async () => {
        const json = await provider.send(name, { path });
        const expected = expectResource(json, resourceType);
        const byAccept = await provider.send(name, { path, headers: { accept: XML } });
        assert.deepEqual(expectResource(byAccept, resourceType, 200, 'xml'), expected);
        assert.equal(byAccept.headers['etag'], json.headers['etag']);
        assert.match(byAccept.body, new RegExp(`^<${resourceType} xmlns="http://hl7.org/fhir">`));
        const separator = path.includes('?') ? '&' : '?';
        for (const format of ['xml', 'application/fhir+xml', 'application/xml', 'text/xml']) {
          const byFormat = await provider.send(name, { path: `${path}${separator}_format=${format}` });
          assert.deepEqual(expectResource(byFormat, resourceType, 200, 'xml'), expected, `_format=${format}`);
        }
      });
    }

    test('a search in XML keeps its entries', async () => {
      const bundle = expectResource(await provider.send('searchPatients', { path: READS[4]![1], headers: { accept: XML } }), 'Bundle', 200, 'xml');
      assert.equal(bundleEntries(bundle as { entry?: { resource: Record<string, unknown> }[] })[0]?.['id'], '1');
    });

    test('the DSTU2 root answers in DSTU2 XML (application/xml+fhir), equal to its JSON', async () => {
      const json = await provider.send('htmlMetadata');
      const xml = await provider.send('htmlMetadata', { headers: { accept: 'application/xml+fhir' } });
      assert.equal(xml.statusCode, 200, xml.body);
      assert.equal(xml.headers['content-type'], 'application/xml+fhir;charset=utf-8');
      assert.match(xml.body, /^<Conformance xmlns="http:\/\/hl7.org\/fhir">/);
      assert.deepEqual(fhirBody(xml), json.json());
    });

    test('$gpc.registerpatient with an XML body answers in JSON when Accept asks for JSON', async () => {
      const body = fhirJsonToXml(registration(PEOPLE[0]!));
      const response = await provider.send('registerPatient', { body, headers: { 'content-type': XML, accept: 'application/fhir+json' } });
      const [patient] = bundleEntries(expectResource(response, 'Bundle'));
      assert.equal((patient?.['identifier'] as { value: string }[])[0]?.value, PEOPLE[0]!.nhsNumber);
    });

    test('$gpc.registerpatient with a JSON body answers in XML when Accept asks for XML', async () => {
      const response = await provider.send('registerPatient', { body: registration(PEOPLE[1]!), headers: { accept: XML } });
      const [patient] = bundleEntries(expectResource(response, 'Bundle', 200, 'xml'));
      assert.equal((patient?.['identifier'] as { value: string }[])[0]?.value, PEOPLE[1]!.nhsNumber);
    });

    test('$gpc.registerpatient with an XML body and no Accept answers in XML (the Content-Type decides)', async () => {
      const response = await provider.send('registerPatient', { body: fhirJsonToXml(registration(PEOPLE[2]!)), headers: { 'content-type': XML, accept: undefined } });
      const [patient] = bundleEntries(expectResource(response, 'Bundle', 200, 'xml'));
      assert.equal((patient?.['identifier'] as { value: string }[])[0]?.value, PEOPLE[2]!.nhsNumber);
      // Registered once: the same XML again is refused as JSON would be.
      const again = await provider.send('registerPatient', { body: fhirJsonToXml(registration(PEOPLE[2]!)), headers: { 'content-type': XML, accept: undefined } });
      expectOperationOutcome(again, 'DUPLICATE_REJECTED', { format: 'xml' });
    });

    test('a malformed XML body, or one with a DTD, is 400 BAD_REQUEST', async () => {
      const send = (body: string) => provider.send('registerPatient', { body, headers: { 'content-type': XML, accept: XML } });
      expectOperationOutcome(await send('<Parameters xmlns="http://hl7.org/fhir"><parameter>'), 'BAD_REQUEST', { format: 'xml' });
      const xxe = `<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>${fhirJsonToXml(registration(PEOPLE[0]!))}`;
      const diagnostics = expectOperationOutcome(await send(xxe), 'BAD_REQUEST', { format: 'xml' });
      assert.match(diagnostics ?? '', /DTD/);
      expectOperationOutcome(await send('<Parameters/>'), 'BAD_REQUEST', { format: 'xml' });
    });

    test('an XML body with an element FHIR does not define is 422 INVALID_RESOURCE, as in JSON', async () => {
      const xml = fhirJsonToXml(registration(PEOPLE[0]!)).replace('<gender', '<favouriteColour value="blue"/><gender');
      const response = await provider.send('registerPatient', { body: xml, headers: { 'content-type': XML, accept: undefined } });
      const diagnostics = expectOperationOutcome(response, 'INVALID_RESOURCE', { format: 'xml' });
      assert.match(diagnostics ?? '', /favouriteColour/);
      const notAResource = `<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="registerPatient"/><resource><Nope/></resource></parameter></Parameters>`;
      expectOperationOutcome(await provider.send('registerPatient', { body: notAResource, headers: { 'content-type': XML } }), 'INVALID_RESOURCE');
    });

    test('errors found before negotiation are written in the format asked for', async () => {
      const response = await provider.send('readPatient', { path: 'Patient/1', headers: { accept: XML, 'Ssp-TraceID': undefined } });
      expectOperationOutcome(response, 'BAD_REQUEST', { format: 'xml' });
      expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1?_format=xml', ods: 'Z99999' }), 'NO_RECORD_FOUND', { format: 'xml' });
      expectOperationOutcome(await provider.send('htmlMetadata', { headers: { accept: 'application/xml+fhir', 'ssp-to': '1' } }), 'BAD_REQUEST', { dialect: 'dstu2', format: 'xml' });
    });

    test('an error quoting a control character the request sent is still written as XML', async () => {
      const response = await provider.send('readPatient', { path: 'Patient/1?_format=xml', ods: encodeURIComponent('\u0001X') });
      const diagnostics = expectOperationOutcome(response, 'NO_RECORD_FOUND', { format: 'xml' });
      assert.match(diagnostics ?? '', /\ufffdX/);
    });

    test('a format we cannot write is 415, answered in JSON', async () => {
      expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: 'text/html' } }), 'UNSUPPORTED_MEDIA_TYPE');
      expectOperationOutcome(await provider.send('readPatient', { path: 'Patient/1?_format=text/plain', headers: { accept: XML } }), 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('Accept q-values and order pick the format; a wildcard means JSON', async () => {
      expectResource(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: `application/fhir+json;q=0.5, ${XML}` } }), 'Patient', 200, 'xml');
      expectResource(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: `${XML};q=0, application/fhir+json` } }), 'Patient');
      expectResource(await provider.send('readPatient', { path: 'Patient/1', headers: { accept: '*/*' } }), 'Patient');
    });
  });
}
