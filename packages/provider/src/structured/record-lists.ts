import { CODE_SYSTEMS, EXTENSIONS, formatHtmlDate, PROFILES } from '@gpconnect/fhir';

/**
 * The Lists of a structured record (structured.md §6): every area's primary List has the same shape —
 * its SNOMED code and exact title, the patient, its entries — and says why anything is missing:
 * warning codes with their required notes (§6.4), or, when it has no entries, the empty reason and
 * "Information not available".
 */

type Json = Record<string, unknown>;

export type ListWarningCode = 'confidential-items' | 'data-in-transit' | 'data-awaiting-filing';

export interface ListWarning {
  code: ListWarningCode;
  note: string;
}

const SNOMED = 'http://snomed.info/sct';
export const CONFIDENTIAL_ITEMS: ListWarning = { code: 'confidential-items', note: 'Items excluded due to confidentiality and/or patient preferences.' };

/** The data-in-transit warning (§6.4): the record's transfer from the previous practice is incomplete. */
export function dataInTransit(registeredOn: string): ListWarning {
  return {
    code: 'data-in-transit',
    note: `Patient record transfer from previous GP practice not yet complete; information recorded before ${formatHtmlDate(registeredOn.slice(0, 10))} may be missing.`,
  };
}

/**
 * One List of a query (primary, or secondary with its own code system). `withheld` says confidential items were left out; `recordWarnings` apply to every
 * List of the record (data in transit). At most three distinct codes; the note carries their texts.
 */
export function clinicalList(list: { code: string; display: string; title: string; system?: string }, patientId: string, entries: readonly { reference: string }[], withheld: boolean, recordWarnings: readonly ListWarning[]): Json {
  const warnings = [...(withheld ? [CONFIDENTIAL_ITEMS] : []), ...recordWarnings];
  const note = warnings.length > 0 ? warnings.map((w) => w.note).join(' ') : entries.length === 0 ? 'Information not available' : undefined;
  return {
    resourceType: 'List',
    meta: { profile: [PROFILES.list] },
    ...(warnings.length > 0 ? { extension: warnings.map((w) => ({ url: EXTENSIONS.listWarningCode, valueCode: w.code })) } : {}),
    status: 'current',
    mode: 'snapshot',
    title: list.title,
    code: { coding: [{ system: list.system ?? SNOMED, code: list.code, display: list.display }] },
    subject: { reference: `Patient/${patientId}` },
    orderedBy: { coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'event-date', display: 'Sorted by Event Date' }] },
    ...(note ? { note: [{ text: note }] } : {}),
    ...(entries.length > 0 ? { entry: entries.map((item) => ({ item })) } : { emptyReason: { coding: [{ system: CODE_SYSTEMS.listEmptyReason, code: 'no-content-recorded', display: 'No Content Recorded' }] } }),
  };
}

/**
 * A stored resource served as the JSON text it is stored as, never parsed and re-serialised: most of
 * a record passes through unchanged (issue 5: serve without re-parsing). `key` is `Type/id`.
 */
export class StoredResource {
  constructor(
    readonly key: string,
    readonly json: string,
  ) {}
}

export const stored = (row: { resource_type: string; id: string; resource: string }) => new StoredResource(`${row.resource_type}/${row.id}`, row.resource);

/** A resource of the Bundle: built here (Lists, served problems), or stored text passed through. */
export type Served = Json | StoredResource;

/** An area's content: its Lists and clinical resources in Bundle order. */
export interface AreaContent {
  resources: Served[];
}

/**
 * An area whose items stand alone (one resource each): the List of the items that match, the
 * confidential ones withheld with the List saying so.
 */
export function itemListArea(list: { code: string; display: string; title: string }, matching: readonly { resource_type: string; id: string; resource: string; confidential: boolean }[], patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const shown = matching.filter((item) => !item.confidential).map(stored);
  const entries = shown.map((r) => ({ reference: r.key }));
  return { resources: [clinicalList(list, patientId, entries, shown.length < matching.length, recordWarnings), ...shown] };
}

/** Whether an item's date falls within a period (whole days, both ends inclusive); undated items always do (§8). */
export function withinPeriod(effective: Date | string | null, period: { start?: string; end?: string } | undefined): boolean {
  if (!period || effective === null) return true;
  const day = (effective instanceof Date ? effective.toISOString() : effective).slice(0, 10);
  return (period.start === undefined || day >= period.start) && (period.end === undefined || day <= period.end);
}
