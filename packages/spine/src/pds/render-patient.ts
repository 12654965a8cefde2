import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import type { PdsPerson } from '@gpconnect/store';

/**
 * A person as the PDS FHIR R4 API returns them (spine-services.md §2.5): the NHS number as id and
 * verified identifier, the usual name, the registered practice in generalPractitioner (what a
 * consumer feeds to SDS), and the confidentiality label. A restricted (sensitive) record carries `R`
 * and loses everything that could locate the patient: address, telecom and registered practice.
 */

const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const VERIFICATION_EXTENSION = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
const VERIFICATION_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus';

/** `person` under NHS number `nhsNumber` (the number that replaced theirs, for a superseded record). */
export function renderPdsPatient(person: PdsPerson, nhsNumber = person.nhsNumber): Record<string, unknown> {
  const { demographics } = person;
  const restricted = person.sensitive;
  return {
    resourceType: 'Patient',
    id: nhsNumber,
    meta: {
      versionId: String(person.version),
      security: [restricted ? { system: CONFIDENTIALITY, code: 'R', display: 'restricted' } : { system: CONFIDENTIALITY, code: 'U', display: 'unrestricted' }],
    },
    identifier: [
      {
        system: IDENTIFIER_SYSTEMS.nhsNumber,
        value: nhsNumber,
        extension: [
          {
            url: VERIFICATION_EXTENSION,
            valueCodeableConcept: { coding: [{ system: VERIFICATION_SYSTEM, version: '1.0.0', code: '01', display: 'Number present and verified' }] },
          },
        ],
      },
    ],
    name: [{ use: 'usual', family: demographics.name.family, given: demographics.name.given, ...(demographics.name.prefix ? { prefix: demographics.name.prefix } : {}) }],
    gender: demographics.gender,
    birthDate: demographics.birthDate,
    ...(person.deceasedAt ? { deceasedDateTime: person.deceasedAt.length === 10 ? `${person.deceasedAt}T00:00:00+00:00` : person.deceasedAt } : {}),
    ...(demographics.multipleBirth !== undefined ? { multipleBirthBoolean: demographics.multipleBirth } : {}),
    ...(!restricted && demographics.address ? { address: [{ use: 'home', ...demographics.address }] } : {}),
    ...(!restricted && demographics.telecom?.length ? { telecom: demographics.telecom } : {}),
    ...(!restricted && person.gpOds
      ? { generalPractitioner: [{ type: 'Organization', identifier: { system: IDENTIFIER_SYSTEMS.odsOrganisationCode, value: person.gpOds } }] }
      : {}),
  };
}
