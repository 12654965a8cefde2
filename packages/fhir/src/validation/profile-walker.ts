import { isPrimitiveType } from '../structure/fhir-model.ts';
import { checkBinding } from './binding-check.ts';
import { findProfile, profiledType, type ChildRule, type CompiledProfile, type ProfileElement } from './profile-index.ts';
import { assignSlices, type Item } from './slicing.ts';
import type { ValidationIssue } from './validation-issue.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks one resource (or extension) top-down along a profile's elements, checking on every element
 * the profile constrains: cardinality (slices included), the datatypes a choice allows, fixed and
 * pattern values, bindings, reference targets, and, for an element typed by another profile (an
 * extension definition), that profile. Structure and primitive formats are checkStructure's job.
 */
export class ProfileWalker {
  constructor(private readonly issues: ValidationIssue[]) {}

  private report(severity: ValidationIssue['severity'], code: ValidationIssue['code'], location: string, message: string): void {
    this.issues.push({ severity, code, location, message });
  }

  validate(value: JsonObject, profile: CompiledProfile, location: string): void {
    this.checkChildren(profile, profile.root.id, value, location);
  }

  private checkChildren(profile: CompiledProfile, elementId: string, value: JsonObject, location: string): void {
    for (const rule of profile.children(elementId)) {
      const items = itemsFor(value, rule, location);
      const where = `${location}.${rule.key}`;
      this.checkCount(rule.element, items.length, where, profile, '');
      if (rule.isChoice) this.checkChoiceTypes(rule, items, profile);
      const slices = rule.slices.length ? assignSlices(profile, rule, items) : [];
      if (rule.slices.length) this.checkSlices(profile, rule, items, slices, where);
      items.forEach((item, i) => {
        const slice = slices[i];
        if (slice) this.checkItem(profile, slice, item);
        else this.checkUnslicedItem(profile, rule, item);
      });
    }
  }

  private checkCount(element: ProfileElement, count: number, location: string, profile: CompiledProfile, what: string): void {
    const min = element.min ?? 0;
    if (count < min) {
      this.report('error', 'required', location, `${what}minimum required = ${min}, but only found ${count} (${profile.url})`);
    }
    if (element.max !== undefined && element.max !== '*' && count > Number(element.max)) {
      this.report('error', 'structure', location, `${what}maximum allowed = ${element.max}, but found ${count} (${profile.url})`);
    }
  }

  private checkChoiceTypes(rule: ChildRule, items: readonly Item[], profile: CompiledProfile): void {
    const allowed = rule.element.types?.map((t) => t.code.toLowerCase());
    if (!allowed) return;
    for (const item of items) {
      const type = item.key.slice(rule.key.length).toLowerCase();
      if (!allowed.includes(type)) {
        this.report('error', 'structure', item.location, `type ${item.key.slice(rule.key.length)} is not allowed here, only ${rule.element.types!.map((t) => t.code).join(', ')} (${profile.url})`);
      }
    }
  }

  private checkSlices(profile: CompiledProfile, rule: ChildRule, items: readonly Item[], slices: readonly (ProfileElement | undefined)[], location: string): void {
    for (const slice of rule.slices) {
      const count = slices.filter((s) => s === slice).length;
      this.checkCount(slice, count, location, profile, `slice '${slice.sliceName}': `);
    }
    if (rule.element.slicing?.ordered) this.checkSliceOrder(profile, rule, items, slices);
    const rules = rule.element.slicing?.rules;
    let lastMatched = -1;
    slices.forEach((s, i) => {
      if (s) lastMatched = i;
    });
    slices.forEach((slice, i) => {
      if (slice) return;
      if (rules === 'closed') {
        this.report('error', 'structure', items[i]!.location, `matches none of the slices of ${rule.element.id}, and the slicing is closed (${profile.url})`);
      } else if (rules === 'openAtEnd' && i < lastMatched) {
        this.report('error', 'structure', items[i]!.location, `matches none of the slices of ${rule.element.id} but comes before a sliced item; the slicing is open at the end only (${profile.url})`);
      }
    });
  }

  /** Ordered slicing: items must come in the order the profile declares their slices. */
  private checkSliceOrder(profile: CompiledProfile, rule: ChildRule, items: readonly Item[], slices: readonly (ProfileElement | undefined)[]): void {
    let highest = -1;
    slices.forEach((slice, i) => {
      if (!slice) return;
      const position = rule.slices.indexOf(slice);
      if (position < highest) {
        this.report('error', 'structure', items[i]!.location, `slice '${slice.sliceName}' comes after a later slice of ${rule.element.id}, and the slicing is ordered (${profile.url})`);
      }
      highest = Math.max(highest, position);
    });
  }

  /** An item that matched no slice: the element's own rules; an extension is checked against its definition. */
  private checkUnslicedItem(profile: CompiledProfile, rule: ChildRule, item: Item): void {
    this.checkItem(profile, rule.element, item);
    if ((rule.key === 'extension' || rule.key === 'modifierExtension') && isObject(item.value)) {
      const url = item.value['url'];
      const definition = typeof url === 'string' ? findProfile(url) : undefined;
      if (definition && definition.type === 'Extension' && profile.children(rule.element.id).length === 0) {
        this.checkChildren(definition, definition.root.id, item.value, item.location);
      }
    }
  }

  /**
   * Whether a CodeableConcept carries the very coding the profile fixes for it. The fixed coding then
   * stands even where the bound value set lacks it: the ProblemHeader fixes `problem-list-item` in a
   * code system whose published value set does not list it, and the profile is what consumers check.
   */
  private codedAsFixed(profile: CompiledProfile, element: ProfileElement, value: unknown): boolean {
    const system = profile.fixedValue(`${element.id}.coding.system`);
    const code = profile.fixedValue(`${element.id}.coding.code`);
    if (code === undefined || !isObject(value) || !Array.isArray(value['coding'])) return false;
    return (value['coding'] as unknown[]).some((c) => isObject(c) && c['code'] === code && (system === undefined || c['system'] === system));
  }

  private checkItem(profile: CompiledProfile, element: ProfileElement, item: Item): void {
    const type = typeOf(element, item);
    if (element.fixed && item.value !== undefined && !isObject(item.value) && String(item.value) !== element.fixed.value) {
      const kind = element.fixed.type.startsWith('pattern') ? 'pattern' : 'fixed value';
      this.report('error', 'value', item.location, `must be ${JSON.stringify(element.fixed.value)} (${kind} in ${profile.url}), found ${JSON.stringify(item.value)}`);
    }
    if (element.binding && type && !this.codedAsFixed(profile, element, item.value)) {
      for (const issue of checkBinding(element.binding, type, item.value)) {
        this.report(issue.severity, 'code-invalid', item.location, `${issue.message} (${profile.url})`);
      }
    }
    if (!isObject(item.value) || (type && isPrimitiveType(type))) return;
    if (type === 'Reference') this.checkReferenceTarget(element, item, profile);
    if (type === 'Resource') return; // contained and Bundle entry resources are validated at their own location
    if (profile.children(element.id).length) {
      this.checkChildren(profile, element.id, item.value, item.location);
      return;
    }
    const typeProfile = element.types?.length === 1 ? element.types[0]!.profile : undefined;
    const definition = typeProfile ? findProfile(typeProfile) : undefined;
    if (definition) this.checkChildren(definition, definition.root.id, item.value, item.location);
  }

  private checkReferenceTarget(element: ProfileElement, item: Item, profile: CompiledProfile): void {
    const reference = (item.value as JsonObject)['reference'];
    if (typeof reference !== 'string') return;
    const match = /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(reference);
    if (!match) return; // contained (#id), urn:uuid and other forms name no type
    const allowed = (element.types ?? []).filter((t) => t.code === 'Reference').map((t) => (t.targetProfile ? profiledType(t.targetProfile) : 'Resource'));
    if (allowed.length === 0 || allowed.some((t) => t === undefined || t === 'Resource')) return;
    if (!allowed.includes(match[1]!)) {
      this.report('error', 'structure', `${item.location}.reference`, `refers to ${match[1]}, but must refer to ${allowed.join(' or ')} (${profile.url})`);
    }
  }
}

/** The items of `value` that `rule` applies to, each array item separately. */
function itemsFor(value: JsonObject, rule: ChildRule, location: string): Item[] {
  const keys = rule.isChoice
    ? Object.keys(value).filter((k) => k.length > rule.key.length && k.startsWith(rule.key) && /[A-Z]/.test(k[rule.key.length]!))
    : [rule.key];
  const items: Item[] = [];
  for (const key of keys) {
    const found = value[key];
    // A primitive may be present only through its `_key` companion (an extension with no value).
    const companion = value[`_${key}`];
    const present = found ?? companion;
    const list = present === undefined ? [] : Array.isArray(present) ? present.map((v) => (present === found ? v : undefined)) : [found];
    const indexed = Array.isArray(present);
    list.forEach((v, i) => items.push({ value: v === null ? undefined : v, location: indexed ? `${location}.${key}[${i}]` : `${location}.${key}`, key }));
  }
  return items;
}

/** The datatype of an item: the one type of its element, or for a choice the type its key names. */
function typeOf(element: ProfileElement, item: Item): string | undefined {
  const types = element.types ?? [];
  if (types.length === 1) return types[0]!.code;
  const name = element.path.slice(element.path.lastIndexOf('.') + 1);
  if (!name.endsWith('[x]')) return undefined;
  const suffix = item.key.slice(name.length - 3).toLowerCase();
  return types.find((t) => t.code.toLowerCase() === suffix)?.code;
}
