import { EXTENSIONS } from '@gpconnect/fhir';
import type { ClinicalItemRow } from '@gpconnect/store';
import { PatientRecord, referencesOf } from '../structured/patient-record.ts';
import type { StructuredArea } from '../structured/structured-parameters.ts';
import { isoDate } from './html-dates.ts';

/**
 * A patient's record as Access Record HTML reads it: the same stored STU3 resources the structured
 * API serves (one source of truth), parsed as a section needs them, with the few lookups the tables
 * share (who recorded an item, which problems an item is linked to). The text helpers say how a
 * coded value, a quantity or a range reads in a table cell.
 */

export type Json = Record<string, unknown>;

/** A stored item as a section reads it. */
export interface CareRecordItem {
  reference: string;
  resource: Json;
  confidential: boolean;
}

export class CareRecord {
  private readonly record: PatientRecord;
  private problemsByItem: Map<string, string[]> | undefined;

  /**
   * `rows`: the patient's whole record. `enteredSince`: while the record is still arriving from the
   * previous practice, only what was entered here (on or after this ISO date) is shown (§6).
   */
  constructor(
    rows: readonly ClinicalItemRow[],
    readonly today: string,
    private readonly practitionerNames: ReadonlyMap<string, string>,
    enteredSince?: string,
  ) {
    const kept = enteredSince === undefined ? rows : rows.filter((row) => row.effective_at === null || isoDate(new Date(row.effective_at).toISOString())! >= enteredSince);
    this.record = new PatientRecord(kept);
  }

  items(area: StructuredArea, resourceType: string): CareRecordItem[] {
    return this.record
      .itemsOf(area)
      .filter((row) => row.resource_type === resourceType)
      .map((row) => {
        const reference = `${row.resource_type}/${row.id}`;
        return { reference, resource: this.record.resource(reference)!, confidential: row.confidential };
      });
  }

  resource(reference: string | undefined): Json | undefined {
    return reference === undefined ? undefined : this.record.resource(reference);
  }

  isConfidential(reference: string): boolean {
    return this.record.row(reference)?.confidential ?? false;
  }

  /** The name of the practitioner a reference names, or undefined for anyone else. */
  practitionerName(reference: unknown): string | undefined {
    const [target] = referencesOf(reference);
    return target?.startsWith('Practitioner/') ? this.practitionerNames.get(target.slice('Practitioner/'.length)) : undefined;
  }

  /** Titles of the (shareable) problems an item is linked to, for "Linked problems" lines. */
  linkedProblems(reference: string): string[] {
    if (!this.problemsByItem) {
      this.problemsByItem = new Map();
      for (const problem of this.items('problems', 'Condition')) {
        if (problem.confidential) continue;
        const title = conceptText(problem.resource['code']);
        for (const link of extensions(problem.resource, EXTENSIONS.relatedClinicalContent)) {
          for (const target of referencesOf(link['valueReference'])) this.problemsByItem.set(target, [...(this.problemsByItem.get(target) ?? []), title]);
        }
      }
    }
    return this.problemsByItem.get(reference) ?? [];
  }
}

export function extensions(resource: Json | undefined, url: string): Json[] {
  return ((resource?.['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === url);
}

export function extension(resource: Json | undefined, url: string): Json | undefined {
  return extensions(resource, url)[0];
}

/** A sub-extension's value, whatever its type. */
export function subExtensionValue(parent: Json | undefined, url: string): unknown {
  const found = ((parent?.['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);
  return found && Object.entries(found).find(([key]) => key.startsWith('value'))?.[1];
}

/** How a CodeableConcept reads: its text, else its first display, else its first code. */
export function conceptText(concept: unknown): string {
  const value = concept as { text?: unknown; coding?: { display?: unknown; code?: unknown }[] } | undefined;
  if (typeof value?.text === 'string' && value.text !== '') return value.text;
  const coding = value?.coding?.find((c) => typeof c.display === 'string') ?? value?.coding?.[0];
  return typeof coding?.display === 'string' ? coding.display : typeof coding?.code === 'string' ? coding.code : '';
}

/** A Quantity with its unit (§5: always show units). */
export function quantityText(quantity: unknown): string {
  const q = quantity as { value?: unknown; unit?: unknown; code?: unknown; comparator?: unknown } | undefined;
  if (q?.value === undefined) return '';
  const unit = typeof q.unit === 'string' ? q.unit : typeof q.code === 'string' ? q.code : '';
  return `${typeof q.comparator === 'string' ? q.comparator : ''}${String(q.value)}${unit ? ` ${unit}` : ''}`;
}

/** An Observation's referenceRange: its text, else low - high. */
export function rangeText(ranges: unknown): string {
  const range = (ranges as Json[] | undefined)?.[0];
  if (!range) return '';
  if (typeof range['text'] === 'string') return range['text'];
  const low = quantityText(range['low']);
  const high = quantityText(range['high']);
  return low && high ? `${low} - ${high}` : low ? `>= ${low}` : high ? `<= ${high}` : '';
}

/** The notes of a resource (Annotation text), each a line. */
export function noteLines(resource: Json): string[] {
  return ((resource['note'] as { text?: unknown }[] | undefined) ?? []).flatMap((n) => (typeof n.text === 'string' ? [n.text] : []));
}

/** Sorts rows by a date, most recent first; undated rows last. */
export function byDateDescending<T>(dateOf: (item: T) => string | undefined): (a: T, b: T) => number {
  return (a, b) => (dateOf(b) ?? '').localeCompare(dateOf(a) ?? '');
}
