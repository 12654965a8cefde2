/**
 * Identifier systems, profile, extension and code system URLs of GP Connect 1.x (STU3), spelled as
 * the official profiles in assets/stu3 bind them (foundations.md §1).
 */

export const IDENTIFIER_SYSTEMS = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganisationCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  /** The RC5 spelling; still accepted in the JWT requesting_organization (suite: backward compatibility). */
  odsOrganisationCodeLegacy: 'http://fhir.nhs.net/Id/ods-organization-code',
  odsSiteCode: 'https://fhir.nhs.uk/Id/ods-site-code',
  sdsUserId: 'https://fhir.nhs.uk/Id/sds-user-id',
  sdsRoleProfileId: 'https://fhir.nhs.uk/Id/sds-role-profile-id',
} as const;

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';

export const PROFILES = {
  patient: `${SD}CareConnect-GPC-Patient-1`,
  practitioner: `${SD}CareConnect-GPC-Practitioner-1`,
  practitionerRole: `${SD}CareConnect-GPC-PractitionerRole-1`,
  organization: `${SD}CareConnect-GPC-Organization-1`,
  location: `${SD}CareConnect-GPC-Location-1`,
  operationOutcome: `${SD}GPConnect-OperationOutcome-1`,
  searchsetBundle: `${SD}GPConnect-Searchset-Bundle-1`,
  appointment: `${SD}GPConnect-Appointment-1`,
  schedule: `${SD}GPConnect-Schedule-1`,
  slot: `${SD}GPConnect-Slot-1`,
  allergyIntolerance: `${SD}CareConnect-GPC-AllergyIntolerance-1`,
  medication: `${SD}CareConnect-GPC-Medication-1`,
  medicationStatement: `${SD}CareConnect-GPC-MedicationStatement-1`,
  medicationRequest: `${SD}CareConnect-GPC-MedicationRequest-1`,
  list: `${SD}CareConnect-GPC-List-1`,
  structuredRecordBundle: `${SD}GPConnect-StructuredRecord-Bundle-1`,
  immunization: `${SD}CareConnect-GPC-Immunization-1`,
  problemHeader: `${SD}CareConnect-GPC-ProblemHeader-Condition-1`,
  encounter: `${SD}CareConnect-GPC-Encounter-1`,
  observation: `${SD}CareConnect-GPC-Observation-1`,
  diagnosticReport: `${SD}CareConnect-GPC-DiagnosticReport-1`,
  specimen: `${SD}CareConnect-GPC-Specimen-1`,
  procedureRequest: `${SD}CareConnect-GPC-ProcedureRequest-1`,
  referralRequest: `${SD}CareConnect-GPC-ReferralRequest-1`,
  documentReference: `${SD}CareConnect-GPC-DocumentReference-1`,
} as const;

export const EXTENSIONS = {
  registrationDetails: `${SD}Extension-CareConnect-GPC-RegistrationDetails-1`,
  nhsCommunication: `${SD}Extension-CareConnect-GPC-NHSCommunication-1`,
  nhsNumberVerificationStatus: `${SD}Extension-CareConnect-GPC-NHSNumberVerificationStatus-1`,
  /** Schedule and Appointment: the practitioner's SDS job role (valueCodeableConcept). */
  practitionerRole: `${SD}Extension-GPConnect-PractitionerRole-1`,
  /** Slot and Appointment: how the appointment happens; version 2 carries a valueCode (appointments.md §1). */
  deliveryChannel: `${SD}Extension-GPConnect-DeliveryChannel-2`,
  /** Appointment: the contained Organization that booked it (valueReference `#id`). */
  bookingOrganisation: `${SD}Extension-GPConnect-BookingOrganisation-1`,
  /** AllergyIntolerance: when and why an allergy ended (endDate, reasonEnded). */
  allergyIntoleranceEnd: `${SD}Extension-CareConnect-GPC-AllergyIntoleranceEnd-1`,
  /** List: why items are missing (confidential-items, data-in-transit, data-awaiting-filing). */
  listWarningCode: `${SD}Extension-CareConnect-GPC-ListWarningCode-1`,
  /** Appointment: why it was cancelled (valueString). */
  appointmentCancellationReason: `${SD}Extension-GPConnect-AppointmentCancellationReason-1`,
  /** ProblemHeader: the item escalated to the problem (the profile's spelling, under fhir.nhs.uk). */
  actualProblem: `${SD}Extension-CareConnect-GPC-ActualProblem-1`,
  /** ProblemHeader and consultation topic Lists: a related problem (sub-extensions type and target). */
  relatedProblemHeader: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1',
  /** ProblemHeader: each item and consultation linked to the problem (valueReference). */
  relatedClinicalContent: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1',
  /** ProblemHeader: major or minor (valueCode, 1..1). */
  problemSignificance: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1',
} as const;

export const CODE_SYSTEMS = {
  nhsNumberVerificationStatus: `${CS}CareConnect-NHSNumberVerificationStatus-1`,
  registrationType: `${CS}CareConnect-RegistrationType-1`,
  humanLanguage: `${CS}CareConnect-HumanLanguage-1`,
  sdsJobRoleName: `${CS}CareConnect-SDSJobRoleName-1`,
  deliveryChannel: `${CS}GPConnect-DeliveryChannel-1`,
  listWarningCode: `${CS}CareConnect-ListWarningCode-1`,
  listEmptyReason: `${CS}CareConnect-ListEmptyReasonCode-1`,
  /** Kinds of booking organisation slots can be reserved for: gp-practice, urgent-care. */
  organisationType: `${CS}GPConnect-OrganisationType-1`,
  /** Secondary Lists of a structured record (structured.md §6.2): their code is their title, hyphenated. */
  secondaryListValues: 'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1',
  /** Encounter participant REC (recorder); the other participant types are HL7 v3 ParticipationType. */
  participantType: `${CS}GPConnect-ParticipantType-1`,
} as const;

export const OPERATION_DEFINITIONS = {
  registerPatient: 'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-RegisterPatient-Operation-1',
  getStructuredRecord: 'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1',
  migrateStructuredRecord:
    'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-MigrateStructuredRecord-Operation-1',
} as const;

/** FHIR MIME types of GP Connect 1.x and 0.7.x (general.md §4, access-record-html.md §8). */
export const MEDIA_TYPES = {
  fhirJson: 'application/fhir+json',
  fhirXml: 'application/fhir+xml',
  dstu2Json: 'application/json+fhir',
  dstu2Xml: 'application/xml+fhir',
} as const;
