import { checkStructure } from '../structure/check-structure.ts';
import { findProfile } from './profile-index.ts';
import { ProfileWalker } from './profile-walker.ts';
import type { ValidationIssue } from './validation-issue.ts';

export interface ValidationOptions {
  /** Profiles to validate the top-level resource against besides those it claims in meta.profile. */
  readonly profiles?: readonly string[];
}

export interface ValidationResult {
  /** Every issue found, errors and warnings, in the order found; empty when the resource conforms. */
  readonly issues: ValidationIssue[];
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates an STU3 resource: its structure and primitive formats against the core STU3 model, then
 * every resource inside it (itself, Bundle entries, contained resources, Parameters resources, at
 * any depth) against each published profile it claims in meta.profile. Never stops at the first
 * issue; each issue carries its FHIRPath location in `resource`.
 */
export function validateResource(resource: unknown, options: ValidationOptions = {}): ValidationResult {
  const issues: ValidationIssue[] = checkStructure(resource).map((i) => ({ severity: 'error', code: 'structure', ...i }));
  if (!isObject(resource) || typeof resource['resourceType'] !== 'string') return { issues };
  const walker = new ProfileWalker(issues);
  const visit = (r: JsonObject, location: string, extraProfiles: readonly string[]) => {
    checkClaimedProfiles(r, location, extraProfiles, walker, issues);
    for (const [child, childLocation] of innerResources(r, location)) visit(child, childLocation, []);
  };
  visit(resource, resource['resourceType'], options.profiles ?? []);
  return { issues };
}

function checkClaimedProfiles(resource: JsonObject, location: string, extra: readonly string[], walker: ProfileWalker, issues: ValidationIssue[]): void {
  const claimed = (resource['meta'] as { profile?: unknown } | undefined)?.profile;
  const urls = new Set([...(Array.isArray(claimed) ? claimed.filter((u): u is string => typeof u === 'string') : []), ...extra]);
  for (const url of urls) {
    const profile = findProfile(url);
    if (!profile) {
      issues.push({ severity: 'warning', code: 'not-supported', location, message: `profile ${url} is not known here; checked against core STU3 only` });
    } else if (profile.type !== resource['resourceType']) {
      issues.push({ severity: 'error', code: 'structure', location, message: `claims ${url}, a profile of ${profile.type}` });
    } else {
      walker.validate(resource, profile, location);
    }
  }
}

/** The resources held inside a resource, each with its location. */
function innerResources(resource: JsonObject, location: string): [JsonObject, string][] {
  const found: [JsonObject, string][] = [];
  const each = (list: unknown, listLocation: string, pick: (item: JsonObject, itemLocation: string) => void) => {
    if (Array.isArray(list)) list.forEach((item, i) => isObject(item) && pick(item, `${listLocation}[${i}]`));
  };
  const add = (value: unknown, at: string) => {
    if (isObject(value) && typeof value['resourceType'] === 'string') found.push([value, at]);
  };
  each(resource['contained'], `${location}.contained`, add);
  if (resource['resourceType'] === 'Bundle') {
    each(resource['entry'], `${location}.entry`, (entry, at) => add(entry['resource'], `${at}.resource`));
  }
  if (resource['resourceType'] === 'Parameters') {
    const parameters = (list: unknown, at: string): void =>
      each(list, at, (parameter, itemAt) => {
        add(parameter['resource'], `${itemAt}.resource`);
        parameters(parameter['part'], `${itemAt}.part`);
      });
    parameters(resource['parameter'], `${location}.parameter`);
  }
  return found;
}
