export { SPINE_ERRORS, GpConnectError, fail } from './errors/spine-error-codes.ts';
export type { SpineErrorDefinition, SpineErrorName } from './errors/spine-error-codes.ts';
export { buildOperationOutcome } from './errors/operation-outcome.ts';
export type { ErrorDialect, GpConnectOperationOutcome, OperationOutcomeIssue } from './errors/operation-outcome.ts';
export { isValidNhsNumber, nhsNumberCheckDigit } from './nhs-number.ts';
export { IDENTIFIER_SYSTEMS, PROFILES, EXTENSIONS, CODE_SYSTEMS, OPERATION_DEFINITIONS, MEDIA_TYPES } from './systems.ts';
export { INTERACTIONS, ALL_CAPABILITIES, REQUESTED_SCOPES, interaction, interactionById, acceptsInteractionId } from './interactions.ts';
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
