import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { childContext, fhirModel } from './fhir-model.ts';

const stu3 = fhirModel('stu3');

const order = (context: string, names: string[]) =>
  [...names].sort((a, b) => stu3.elementPosition(context, a)! - stu3.elementPosition(context, b)!);

test('Patient elements follow the STU3 definition: inherited first, then its own, choices in place', () => {
  const own = ['identifier', 'active', 'name', 'telecom', 'gender', 'birthDate', 'deceasedDateTime', 'address', 'maritalStatus', 'multipleBirthInteger', 'photo', 'contact', 'animal', 'communication', 'generalPractitioner', 'managingOrganization', 'link'];
  const all = ['id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension', ...own];
  assert.deepEqual(order('Patient', [...all].reverse()), all);
  assert.deepEqual(order('Patient.contact', ['period', 'name', 'modifierExtension', 'id', 'relationship']), ['id', 'modifierExtension', 'relationship', 'name', 'period']);
  assert.deepEqual(order('HumanName', ['given', 'text', 'use', 'id', 'period', 'family']), ['id', 'use', 'text', 'family', 'given', 'period']);
  assert.deepEqual(order('Age', ['code', 'value', 'extension']), ['extension', 'value', 'code']);
  assert.equal(stu3.elementPosition('Patient', 'nonsense'), undefined);
});

/**
 * An independent check of the order source: the snapshots of the official GP Connect
 * StructureDefinitions list every element of the core resources they profile in definition order.
 */
test('element order agrees with every GP Connect StructureDefinition snapshot', () => {
  const folder = new URL('../../assets/stu3/StructureDefinitions/', import.meta.url);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'element' });
  let checked = 0;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.xml'))) {
    const definition = parser.parse(readFileSync(new URL(file, folder), 'utf8')).StructureDefinition;
    const elements: { path: { value: string } }[] = definition?.snapshot?.element ?? [];
    if (!stu3.isResourceType(elements[0]?.path.value ?? '')) continue;
    // Last position seen under each parent path of the snapshot; a parent's reappearance (a new
    // slice) starts its children afresh.
    const last = new Map<string, number>();
    for (const { path } of elements) {
      for (const key of [...last.keys()]) if (key.startsWith(`${path.value}.`) || key === path.value) last.delete(key);
      const parts = path.value.split('.');
      let context = parts[0]!;
      for (const [index, rawName] of parts.slice(1).entries()) {
        // `deceased[x]`: any of its types stands at the choice's position.
        const name = rawName.endsWith('[x]') ? stu3FirstChoice(context, rawName.slice(0, -3)) : rawName;
        const position = name === undefined ? undefined : stu3.elementPosition(context, name);
        if (name === undefined || position === undefined) break;
        if (index === parts.length - 2) {
          const parent = parts.slice(0, -1).join('.');
          assert.ok(position >= (last.get(parent) ?? -1), `${file}: ${path.value} comes before an element the model orders after it`);
          last.set(parent, position);
          checked++;
        }
        const element = stu3.findElement(context, name);
        if (!element) break;
        context = childContext(element);
      }
    }
  }
  assert.ok(checked > 1000, `only ${checked} snapshot elements checked`);
});

function stu3FirstChoice(context: string, base: string): string | undefined {
  for (const type of ['Boolean', 'DateTime', 'Integer', 'String', 'Quantity', 'CodeableConcept', 'Reference', 'Period', 'Range', 'Attachment', 'Age', 'Date']) {
    if (stu3.elementPosition(context, base + type) !== undefined) return base + type;
  }
  return undefined;
}
