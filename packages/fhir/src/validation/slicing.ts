import type { ChildRule, CompiledProfile, ProfileElement } from './profile-index.ts';

/** One value found in an instance at a profile element, with where it was found. */
export interface Item {
  readonly value: unknown;
  readonly location: string;
  /** The JSON key it was found under (for a choice, which type it is: `valueQuantity`). */
  readonly key: string;
}

const NO_MATCH = Symbol('no discriminating value');
type Expected = string | typeof NO_MATCH;

const expectedCache = new WeakMap<ProfileElement, Expected[]>();

/**
 * The value each discriminator of `rule` requires of an item for it to belong to `slice`: the
 * fixed value of the slice's element at the discriminator path, or, for an extension slice whose
 * `url` is not restated, the canonical URL of the extension's own definition.
 */
function expectedValues(profile: CompiledProfile, rule: ChildRule, slice: ProfileElement): Expected[] {
  let expected = expectedCache.get(slice);
  if (expected) return expected;
  expected = (rule.element.slicing?.discriminator ?? []).map((d): Expected => {
    let element: ProfileElement | undefined = slice;
    if (d.path !== '$this') {
      for (const segment of d.path.split('.')) {
        element = element && profile.children(element.id).find((c) => c.key === segment)?.element;
      }
    }
    if (d.type === 'type') return element?.types?.length === 1 ? element.types[0]!.code : NO_MATCH;
    if (element?.fixed) return element.fixed.value;
    if (d.path === 'url' && slice.types?.[0]?.profile) return slice.types[0].profile;
    return NO_MATCH;
  });
  expectedCache.set(slice, expected);
  return expected;
}

/** The primitive values reached from `value` along a dotted path, arrays flattened. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
      const child = (v as Record<string, unknown>)[segment];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

/** The types an item has at a `type` discriminator's path: resource types, or a choice element's type. */
function itemTypes(item: Item, rule: ChildRule, path: string): unknown[] {
  if (path !== '$this') return valuesAt(item.value, path).map((v) => (v as { resourceType?: unknown } | null)?.resourceType);
  const resourceType = (item.value as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resourceType === 'string') return [resourceType];
  if (rule.isChoice) {
    const suffix = item.key.slice(rule.key.length);
    return [rule.element.types?.find((t) => t.code.toLowerCase() === suffix.toLowerCase())?.code ?? suffix];
  }
  return [];
}

/** For each item, the slice of `rule` it belongs to, or undefined when it matches none. */
export function assignSlices(profile: CompiledProfile, rule: ChildRule, items: readonly Item[]): (ProfileElement | undefined)[] {
  const discriminators = rule.element.slicing?.discriminator ?? [];
  if (discriminators.length === 0) return items.map(() => undefined);
  return items.map((item) =>
    rule.slices.find((slice) =>
      expectedValues(profile, rule, slice).every((expected, i) => {
        if (expected === NO_MATCH) return false;
        const discriminator = discriminators[i]!;
        if (discriminator.type === 'type') return itemTypes(item, rule, discriminator.path).includes(expected);
        const path = discriminator.path === '$this' ? undefined : discriminator.path;
        const found = path ? valuesAt(item.value, path) : [item.value];
        return found.some((v) => String(v) === expected);
      }),
    ),
  );
}
