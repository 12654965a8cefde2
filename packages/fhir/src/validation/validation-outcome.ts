import type { ValidationIssue } from './validation-issue.ts';

export interface ValidationOperationOutcome {
  resourceType: 'OperationOutcome';
  issue: { severity: 'error' | 'warning' | 'information'; code: string; diagnostics: string; expression?: string[] }[];
}

/**
 * The STU3 OperationOutcome reporting validation issues (as $validate returns). An outcome must hold
 * at least one issue, so a clean result is reported as one informational issue.
 */
export function validationOutcome(issues: readonly ValidationIssue[]): ValidationOperationOutcome {
  if (issues.length === 0) {
    return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'No issues found' }] };
  }
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.message, expression: [i.location] })),
  };
}
