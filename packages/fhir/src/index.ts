export { SPINE_ERRORS, GpConnectError, fail } from './errors/spine-error-codes.ts';
export type { SpineErrorDefinition, SpineErrorName } from './errors/spine-error-codes.ts';
export { buildOperationOutcome, ERROR_CODE_SYSTEMS } from './errors/operation-outcome.ts';
export type { ErrorDialect, GpConnectOperationOutcome, OperationOutcomeIssue } from './errors/operation-outcome.ts';
export { isValidNhsNumber, nhsNumberCheckDigit } from './nhs-number.ts';
export { IDENTIFIER_SYSTEMS, PROFILES, EXTENSIONS, CODE_SYSTEMS, OPERATION_DEFINITIONS, MEDIA_TYPES } from './systems.ts';
export { INTERACTIONS, SERVICE_ROOTS, ALL_CAPABILITIES, REQUESTED_SCOPES, interaction, interactionById, acceptsInteractionId } from './interactions.ts';
export type {
  Capability,
  InteractionDefinition,
  InteractionName,
  RequestedScope,
  ServiceRoot,
} from './interactions.ts';
export { checkStructure } from './structure/check-structure.ts';
export type { StructureIssue, StructureCheckOptions } from './structure/check-structure.ts';
export type { FhirRelease } from './structure/fhir-model.ts';
export { checkConformance } from './validation/profile-check.ts';
export type { ConformanceIssue } from './validation/profile-check.ts';
export { fhirJsonToXml, fhirJsonTextToXml } from './xml/to-xml.ts';
export { fhirXmlToJson } from './xml/from-xml.ts';
export { FhirXmlError, FHIR_NAMESPACE, XHTML_NAMESPACE } from './xml/fhir-xml-error.ts';
export { readXhtml } from './xml/read-xhtml.ts';
export type { XhtmlElement, XhtmlNode } from './xml/read-xhtml.ts';
export { DSTU2_SYSTEMS, RECORD_SECTIONS, formatHtmlDate, isRecordSectionCode } from './record-sections.ts';
export type { RecordSectionCode } from './record-sections.ts';
export { validateResource } from './validation/validate-resource.ts';
export type { ValidationOptions, ValidationResult } from './validation/validate-resource.ts';
export { validationOutcome } from './validation/validation-outcome.ts';
export type { ValidationOperationOutcome } from './validation/validation-outcome.ts';
export type { ValidationIssue } from './validation/validation-issue.ts';
export { addDays, formatUkDateTime, ukLocalDate, ukLocalInstant, ukOffsetMinutes } from './datetime/uk-local-time.ts';
