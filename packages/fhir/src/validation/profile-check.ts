import { validateResource } from './validate-resource.ts';

export interface ConformanceIssue {
  readonly severity: 'error' | 'warning';
  /** FHIRPath-style location in the checked resource. */
  readonly location: string;
  readonly message: string;
}

/**
 * The errors validateResource finds: STU3 structure, and every profile rule (cardinality, slices,
 * fixed values, required bindings, extensions) of every claimed profile, Bundle entries and
 * contained resources included. Warnings (extensible or preferred bindings, unknown profiles) are
 * left out: callers use this as a pass/fail gate; validateResource gives everything.
 */
export function checkConformance(resource: unknown): ConformanceIssue[] {
  return validateResource(resource)
    .issues.filter((i) => i.severity === 'error')
    .map(({ severity, location, message }) => ({ severity, location, message }));
}
