import { childContext, fhirModel, isPrimitiveType, type ElementInfo, type FhirModel, type FhirRelease } from './fhir-model.ts';
import { primitiveProblem } from './primitives.ts';

/** One way in which a JSON value is not a well-formed FHIR resource. */
export interface StructureIssue {
  /** FHIRPath-style location, e.g. `Patient.name[0].given[1]`. */
  readonly location: string;
  readonly message: string;
}

export interface StructureCheckOptions {
  /** The resourceType the value must have. */
  expectedType?: string;
  /** FHIR release whose element model applies; STU3 unless stated. */
  release?: FhirRelease;
}

const models: Record<FhirRelease, FhirModel> = { stu3: fhirModel('stu3'), dstu2: fhirModel('dstu2') };

/**
 * Checks that `value` parses as a resource in FHIR JSON: a known `resourceType` (equal to
 * `expectedType` when given), only elements the type defines, arrays exactly where elements repeat,
 * primitives of the right JSON type and lexical form, `_element` companions only beside primitives,
 * and no empty objects, arrays or strings. Collects every issue rather than stopping at the first.
 *
 * This is structure only; profile rules (cardinality, fixed values, bindings) are checked elsewhere.
 */
export function checkStructure(value: unknown, options: StructureCheckOptions = {}): StructureIssue[] {
  const checker = new StructureChecker(models[options.release ?? 'stu3']);
  checker.checkResource(value, options.expectedType, options.expectedType ?? 'Resource');
  return checker.issues;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class StructureChecker {
  readonly issues: StructureIssue[] = [];

  constructor(private readonly model: FhirModel) {}

  private report(location: string, message: string): void {
    this.issues.push({ location, message });
  }

  checkResource(value: unknown, expectedType: string | undefined, location: string): void {
    if (!isObject(value)) {
      this.report(location, 'must be a JSON object holding a resource');
      return;
    }
    const resourceType = value['resourceType'];
    if (typeof resourceType !== 'string' || !this.model.isResourceType(resourceType)) {
      this.report(location, `resourceType ${JSON.stringify(resourceType)} is not a resource type`);
      return;
    }
    if (expectedType && resourceType !== expectedType) {
      this.report(location, `resourceType must be ${expectedType}, found ${resourceType}`);
      return;
    }
    this.checkObject(value, resourceType, location === 'Resource' ? resourceType : location, true);
  }

  private checkObject(value: Record<string, unknown>, context: string, location: string, isResourceRoot: boolean): void {
    const keys = Object.keys(value);
    if (keys.length === 0) this.report(location, 'must not be an empty object');
    for (const key of keys) {
      if (key === 'resourceType' && isResourceRoot) continue;
      const child = value[key];
      const childLocation = `${location}.${key}`;
      if (key.startsWith('_')) {
        this.checkPrimitiveCompanion(context, key.slice(1), value, child, childLocation);
        continue;
      }
      const element = this.model.findElement(context, key);
      if (!element) {
        this.report(childLocation, `unknown element '${key}'`);
        continue;
      }
      this.checkElementValue(element, child, childLocation, value[`_${key}`] !== undefined);
    }
  }

  private checkElementValue(element: ElementInfo, value: unknown, location: string, hasCompanion: boolean): void {
    if (!element.repeating) {
      if (Array.isArray(value)) this.report(location, 'does not repeat, so must not be an array');
      else this.checkSingleValue(element, value, location);
      return;
    }
    if (!Array.isArray(value)) {
      this.report(location, 'repeats, so must be a JSON array');
      return;
    }
    if (value.length === 0) this.report(location, 'must not be an empty array');
    value.forEach((item, index) => {
      // A null in a primitive array is a placeholder for an item that has only an _element companion.
      if (item === null && isPrimitiveType(element.type) && hasCompanion) return;
      this.checkSingleValue(element, item, `${location}[${index}]`);
    });
  }

  private checkSingleValue(element: ElementInfo, value: unknown, location: string): void {
    if (element.type === 'Resource') {
      this.checkResource(value, undefined, location);
      return;
    }
    if (isPrimitiveType(element.type)) {
      const problem =
        element.type === 'xhtml'
          ? typeof value === 'string' && value !== ''
            ? undefined
            : 'must be an XHTML string'
          : primitiveProblem(element.type, value);
      if (problem) this.report(location, `${problem} (${element.type})`);
      return;
    }
    if (!isObject(value)) {
      this.report(location, `must be a JSON object (${element.type})`);
      return;
    }
    this.checkObject(value, childContext(element), location, false);
  }

  /** `_birthDate` style companions carry only the `id` and `extension` of a primitive element. */
  private checkPrimitiveCompanion(
    context: string,
    name: string,
    owner: Record<string, unknown>,
    companion: unknown,
    location: string,
  ): void {
    const element = this.model.findElement(context, name);
    if (!element || !isPrimitiveType(element.type)) {
      this.report(location, `'_${name}' is only allowed beside a primitive element`);
      return;
    }
    const companions = element.repeating ? companion : [companion];
    if (!Array.isArray(companions)) {
      this.report(location, 'must be an array matching the primitive array');
      return;
    }
    const primitives = owner[name];
    if (element.repeating && Array.isArray(primitives) && primitives.length !== companions.length) {
      this.report(location, 'must have as many items as the primitive array');
    }
    companions.forEach((item, index) => {
      if (item === null && element.repeating) return;
      const itemLocation = element.repeating ? `${location}[${index}]` : location;
      if (isObject(item)) this.checkObject(item, 'Element', itemLocation, false);
      else this.report(itemLocation, 'must be a JSON object');
    });
  }
}
