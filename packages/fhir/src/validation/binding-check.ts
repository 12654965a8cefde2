import { inValueSet, isKnownValueSet } from './terminology.ts';

interface BindingIssue {
  severity: 'error' | 'warning';
  message: string;
}

type Coding = { system?: unknown; code?: unknown };

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Checks a coded value against the value set its element is bound to. A required binding that is
 * not met is an error; an extensible or preferred one only a warning (the value set is advice, or
 * may be departed from when it has no suitable code). Value sets we do not hold (core FHIR ones)
 * and example bindings are not checked.
 */
export function checkBinding(binding: { strength: string; valueSet?: string }, type: string, value: unknown): BindingIssue[] {
  const { strength, valueSet } = binding;
  if (!valueSet || strength === 'example' || !isKnownValueSet(valueSet)) return [];
  const severity = strength === 'required' ? 'error' : 'warning';
  const describe = (what: string) => `${what} is not in the value set ${valueSet} (${strength} binding)`;
  if (type === 'code') {
    if (typeof value !== 'string' || inValueSet(valueSet, undefined, value)) return [];
    return [{ severity, message: describe(`code ${JSON.stringify(value)}`) }];
  }
  if (type === 'Coding') {
    const coding = (value ?? {}) as Coding;
    if (coding.code === undefined && coding.system === undefined) return [];
    if (inValueSet(valueSet, asString(coding.system), asString(coding.code))) return [];
    return [{ severity, message: describe(`${String(coding.system)}|${String(coding.code)}`) }];
  }
  if (type === 'CodeableConcept') {
    const codings = ((value as { coding?: unknown } | undefined)?.coding ?? []) as Coding[];
    if (!Array.isArray(codings)) return [];
    if (codings.some((c) => inValueSet(valueSet, asString(c?.system), asString(c?.code)))) return [];
    // With no coding at all, extensible and preferred bindings allow text alone.
    if (codings.length === 0 && strength !== 'required') return [];
    const found = codings.map((c) => `${String(c?.system)}|${String(c?.code)}`).join(', ');
    return [{ severity, message: `has no coding from the value set ${valueSet} (${strength} binding); found ${found || 'none'}` }];
  }
  return [];
}
