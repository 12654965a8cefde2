import type { SpineErrorDefinition } from './spine-error-codes.ts';
import { PROFILES } from '../systems.ts';

/**
 * Which family of GP Connect APIs an OperationOutcome belongs to. The 1.x (STU3) APIs use the
 * GPConnect-OperationOutcome-1 profile and the Spine CodeSystem; Access Record HTML 0.7.x (DSTU2)
 * uses its own profile and value set (access-record-html.md §3).
 */
export type ErrorDialect = 'stu3' | 'dstu2';

const DIALECTS = {
  stu3: {
    profile: PROFILES.operationOutcome,
    system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
  },
  dstu2: {
    profile: 'http://fhir.nhs.net/StructureDefinition/gpconnect-operationoutcome-1',
    system: 'http://fhir.nhs.net/ValueSet/gpconnect-error-or-warning-code-1',
  },
} as const;

/** The code system of the Spine error codes in each dialect's OperationOutcome. */
export const ERROR_CODE_SYSTEMS: Record<ErrorDialect, string> = { stu3: DIALECTS.stu3.system, dstu2: DIALECTS.dstu2.system };

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details: { coding: [{ system: string; code: string; display: string }] };
  diagnostics?: string;
}

export interface GpConnectOperationOutcome {
  resourceType: 'OperationOutcome';
  meta: { profile: [string] };
  issue: OperationOutcomeIssue[];
}

/** Builds the single-issue OperationOutcome GP Connect prescribes for an error (general.md §7). */
export function buildOperationOutcome(
  definition: SpineErrorDefinition,
  diagnostics: string | undefined,
  dialect: ErrorDialect = 'stu3',
): GpConnectOperationOutcome {
  const { profile, system } = DIALECTS[dialect];
  const issue: OperationOutcomeIssue = {
    severity: 'error',
    code: definition.issueType,
    details: { coding: [{ system, code: definition.code, display: definition.display }] },
  };
  if (diagnostics) issue.diagnostics = diagnostics;
  return { resourceType: 'OperationOutcome', meta: { profile: [profile] }, issue: [issue] };
}
