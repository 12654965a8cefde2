import type { FastifyBaseLogger } from 'fastify';
import { validateResource, type ServiceRoot, type ValidationIssue } from '@gpconnect/fhir';

/** One response that broke a profile rule. */
export interface ResponseViolation {
  method: string;
  /** Request path without its query string. */
  path: string;
  interaction: string | null;
  issues: readonly ValidationIssue[];
}

/**
 * The opt-in `validateResponses` check: every STU3 response body is validated against the profiles
 * it claims before it is sent, and each violation is logged and counted (the response still goes
 * out: this watches a deployment, it does not change what it serves). Access Record HTML answers in
 * DSTU2, which the STU3 validator does not cover.
 */
export class ResponseValidation {
  checked = 0;
  readonly violations: ResponseViolation[] = [];

  constructor(private readonly log: FastifyBaseLogger) {}

  check(json: string, serviceRoot: ServiceRoot | undefined, request: { method: string; url: string; interaction: string | null }): void {
    if (serviceRoot === 'html') return;
    this.checked++;
    const issues = validateResource(JSON.parse(json)).issues.filter((issue) => issue.severity === 'error');
    if (issues.length === 0) return;
    const violation = { method: request.method, path: request.url.split('?')[0]!, interaction: request.interaction, issues };
    this.violations.push(violation);
    // Locations and rule kinds only: a message can quote the offending value, which may be patient data.
    this.log.warn(
      { interaction: violation.interaction, path: violation.path, issues: issues.map((i) => ({ location: i.location, code: i.code })) },
      'response violates its profile',
    );
  }
}
