/** One way in which a resource does not conform, found by validateResource. */
export interface ValidationIssue {
  /** `error` breaks a rule; `warning` misses an extensible or preferred binding, or names an unknown profile. */
  readonly severity: 'error' | 'warning';
  /** The OperationOutcome issue type (http://hl7.org/fhir/issue-type) that best names the rule broken. */
  readonly code: 'structure' | 'required' | 'value' | 'code-invalid' | 'not-supported';
  /** FHIRPath location in the validated value, e.g. `Bundle.entry[3].resource.code.coding[0]`. */
  readonly location: string;
  readonly message: string;
}
