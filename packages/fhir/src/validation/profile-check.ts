import { createRequire } from 'node:module';
import { checkStructure } from '../structure/check-structure.ts';

interface ProfileElement {
  id: string;
  path: string;
  min?: number;
  max?: string;
  fixed?: { type: string; value: string };
}

interface ProfileDefinition {
  url: string;
  type: string;
  hasSnapshot: boolean;
  elements: ProfileElement[];
}

const profiles = new Map(
  (createRequire(import.meta.url)('../generated/profiles.json') as ProfileDefinition[]).map((p) => [p.url, p]),
);

export interface ConformanceIssue {
  readonly severity: 'error' | 'warning';
  /** FHIRPath-style location in the checked resource. */
  readonly location: string;
  readonly message: string;
}

/**
 * Checks a resource against the GP Connect profile it claims in `meta.profile` (and, for Bundles,
 * every entry against its own claimed profile): STU3 structure, the profile's required elements,
 * its maximum cardinalities and its fixed values, on every element outside slices.
 *
 * This is the seam where the full profile validator (slices, bindings, extensions) plugs in; callers
 * depend only on this function and the issue list it returns.
 */
export function checkConformance(resource: unknown): ConformanceIssue[] {
  const issues: ConformanceIssue[] = checkStructure(resource).map((i) => ({ severity: 'error', ...i }));
  if (issues.length) return issues;
  checkResourceAgainstClaimedProfile(resource as Record<string, unknown>, (resource as { resourceType: string }).resourceType, issues);
  return issues;
}

function checkResourceAgainstClaimedProfile(resource: Record<string, unknown>, location: string, issues: ConformanceIssue[]): void {
  const claimed = (resource['meta'] as { profile?: string[] } | undefined)?.profile ?? [];
  for (const url of claimed) {
    const profile = profiles.get(url.replace(/\/_history\/.*$/, ''));
    if (!profile) continue;
    if (profile.type !== resource['resourceType']) {
      issues.push({ severity: 'error', location, message: `claims ${url}, a profile of ${profile.type}` });
      continue;
    }
    if (profile.hasSnapshot) checkElements(resource, profile, location, issues);
  }
  if (resource['resourceType'] === 'Bundle') {
    const entries = (resource['entry'] as { resource?: Record<string, unknown> }[] | undefined) ?? [];
    entries.forEach((entry, index) => {
      if (entry.resource) {
        checkResourceAgainstClaimedProfile(entry.resource, `${location}.entry[${index}].resource`, issues);
      }
    });
  }
  const contained = (resource['contained'] as Record<string, unknown>[] | undefined) ?? [];
  contained.forEach((c, index) => checkResourceAgainstClaimedProfile(c, `${location}.contained[${index}]`, issues));
}

interface Located {
  value: unknown;
  location: string;
}

/** The values found at one more path segment below each of `parents` (arrays flattened). */
function step(parents: Located[], segment: string): Located[] {
  const found: Located[] = [];
  for (const parent of parents) {
    if (typeof parent.value !== 'object' || parent.value === null || Array.isArray(parent.value)) continue;
    const object = parent.value as Record<string, unknown>;
    const keys = segment.endsWith('[x]')
      ? Object.keys(object).filter((k) => k.startsWith(segment.slice(0, -3)) && /^[A-Z]/.test(k.slice(segment.length - 3)))
      : [segment];
    for (const key of keys) {
      const child = object[key];
      if (child === undefined) continue;
      if (Array.isArray(child)) {
        child.forEach((item, i) => found.push({ value: item, location: `${parent.location}.${key}[${i}]` }));
      } else {
        found.push({ value: child, location: `${parent.location}.${key}` });
      }
    }
  }
  return found;
}

function countAt(parent: Located, segment: string): number {
  return step([parent], segment).length;
}

function checkElements(resource: Record<string, unknown>, profile: ProfileDefinition, location: string, issues: ConformanceIssue[]): void {
  const root: Located = { value: resource, location };
  for (const element of profile.elements) {
    // Elements inside slices need slice matching, which the full validator does.
    if (element.id.includes(':')) continue;
    const segments = element.path.split('.').slice(1);
    if (segments.length === 0) continue;
    const last = segments[segments.length - 1]!;
    let parents = [root];
    for (const segment of segments.slice(0, -1)) parents = step(parents, segment);
    for (const parent of parents) {
      const count = countAt(parent, last);
      const min = element.min ?? 0;
      if (count < min) {
        issues.push({ severity: 'error', location: `${parent.location}.${last}`, message: `required by ${profile.url} (min ${min}), missing` });
      }
      if (element.max !== undefined && element.max !== '*' && count > Number(element.max)) {
        issues.push({
          severity: 'error',
          location: `${parent.location}.${last}`,
          message: `${profile.url} allows at most ${element.max}, found ${count}`,
        });
      }
    }
    if (element.fixed) {
      for (const found of step(parents, last)) {
        if (found.value !== element.fixed.value) {
          issues.push({
            severity: 'error',
            location: found.location,
            message: `must be ${JSON.stringify(element.fixed.value)} (${element.fixed.type} in ${profile.url}), found ${JSON.stringify(found.value)}`,
          });
        }
      }
    }
  }
}
