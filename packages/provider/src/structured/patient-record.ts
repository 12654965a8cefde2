import type { ClinicalItemRow } from '@gpconnect/store';
import { stored, type Served, type StoredResource } from './record-lists.ts';
import { PROFILES } from '@gpconnect/fhir';
import type { RecordArea } from './structured-parameters.ts';

/**
 * The part of a patient's record one structured request reads, indexed by reference (`Type/id`), so
 * that problems and consultations can follow their links into the other areas. Resources are parsed
 * only when something follows a link to them.
 */

type Json = Record<string, unknown>;

/** What a secondary List groups linked items by (structured.md §6.2). */
export type LinkCategory = 'allergies' | 'endedAllergies' | 'consultations' | 'diaryEntries' | 'documents' | 'immunisations' | 'investigations' | 'medications' | 'problems' | 'referrals' | 'uncategorised';

/** A linked item with what travels with it, and the resource a List entry names for it. */
export interface LinkedItem {
  category: LinkCategory;
  area: RecordArea;
  /** `Type/id` of the resource Lists reference: a medication course's statement, a result's report. */
  entry: string;
  resources: Served[];
  confidential: boolean;
  /** Set when the item is served in another form, `entry` naming it: links name that instead. */
  servedAs?: 'comment-note';
}

/** Comment note (record artifact): the code of free text, a diary entry's note, a narrative, a filing comment. */
export const COMMENT_NOTE = { system: 'http://snomed.info/sct', code: '37331000000100', display: 'Comment note' };

/** A FHIR instant from a date or dateTime: a bare date is the start of that day (UTC). */
const instant = (value: string) => (value.length === 10 ? `${value}T00:00:00+00:00` : value);

/**
 * A completed diary entry wherever it is linked (§5.3): a comment note Observation with the entry's
 * full text in its place. The diary entries area shares incomplete entries only, and the diary
 * profile fixes status to active, so a completed entry has no other form.
 */
function diaryCommentNote(entry: Json): Json {
  const due = (entry['occurrenceDateTime'] as string | undefined) ?? ((entry['occurrencePeriod'] as Json | undefined)?.['start'] as string | undefined);
  const recorded = entry['authoredOn'] as string;
  const what = (entry['code'] as { text?: string; coding?: { display?: string }[] } | undefined) ?? {};
  const notes = ((entry['note'] as { text?: string }[] | undefined) ?? []).map((n) => n.text).filter(Boolean);
  const comment = [`${what.text ?? what.coding?.[0]?.display ?? 'Diary entry'} (diary entry, completed)`, ...(due ? [`Due ${due.slice(0, 10)}`] : []), ...notes].join('. ');
  const agent = (entry['requester'] as { agent?: Json } | undefined)?.agent;
  return {
    resourceType: 'Observation',
    id: `${entry['id'] as string}-comment-note`,
    meta: { profile: [PROFILES.observation] },
    ...(entry['identifier'] ? { identifier: entry['identifier'] } : {}),
    status: 'final',
    code: { coding: [COMMENT_NOTE] },
    subject: entry['subject'],
    effectiveDateTime: due ?? recorded,
    issued: instant(recorded),
    ...(agent ? { performer: [agent] } : {}),
    comment,
  };
}

export const referencesOf = (value: unknown): string[] =>
  [value].flat().flatMap((v) => {
    const reference = (v as { reference?: unknown } | undefined)?.reference;
    return typeof reference === 'string' ? [reference] : [];
  });

export class PatientRecord {
  private readonly rows = new Map<string, ClinicalItemRow>();
  private readonly parsed = new Map<string, Json>();
  private readonly byArea = new Map<string, ClinicalItemRow[]>();
  /** Built on first use: each authorisation's statement, and each report part's report. */
  private statementsByPlan: Map<string, ClinicalItemRow> | undefined;
  private reportsByPart: Map<string, ClinicalItemRow> | undefined;
  /** Links are followed many times over (each problem, topic and heading naming the same items). */
  private readonly followed = new Map<string, LinkedItem | undefined>();

  constructor(rows: readonly ClinicalItemRow[]) {
    for (const row of rows) {
      this.rows.set(`${row.resource_type}/${row.id}`, row);
      const area = this.byArea.get(row.area) ?? [];
      area.push(row);
      this.byArea.set(row.area, area);
    }
  }

  /** The area's items, oldest first. */
  itemsOf(area: RecordArea): ClinicalItemRow[] {
    return this.byArea.get(area) ?? [];
  }

  row(reference: string): ClinicalItemRow | undefined {
    return this.rows.get(reference);
  }

  /** The item as stored, to be served as its stored text. */
  stored(reference: string): StoredResource | undefined {
    const row = this.rows.get(reference);
    return row ? stored(row) : undefined;
  }

  resource(reference: string): Json | undefined {
    const cached = this.parsed.get(reference);
    if (cached) return cached;
    const row = this.rows.get(reference);
    if (!row) return undefined;
    const resource = JSON.parse(row.resource) as Json;
    this.parsed.set(reference, resource);
    return resource;
  }

  /** A test report's parts, as stored: request, specimens and results, and the members of its test groups. */
  reportParts(report: Json): StoredResource[] {
    const found = new Map<string, Json>();
    const queue = [...referencesOf(report['basedOn']), ...referencesOf(report['specimen']), ...referencesOf(report['result'])];
    while (queue.length > 0) {
      const reference = queue.shift()!;
      const part = this.resource(reference);
      if (!part || found.has(reference)) continue;
      found.set(reference, part);
      const members = ((part['related'] as { type?: string; target?: unknown }[] | undefined) ?? []).filter((r) => r.type === 'has-member');
      queue.push(...members.flatMap((m) => referencesOf(m.target)));
    }
    return [...found.keys()].map((reference) => this.stored(reference)!);
  }

  /**
   * A linked item as problems and consultations return it (structured.md §5.3, §5.4): a medication
   * authorisation or issue with its course (statement, authorisation, Medication; the issue only
   * when it is the item linked), a report with its parts, a test result or request with its report,
   * anything else on its own. Undefined when the item is not held.
   */
  linked(reference: string): LinkedItem | undefined {
    if (!this.followed.has(reference)) this.followed.set(reference, this.follow(reference));
    return this.followed.get(reference);
  }

  private follow(reference: string): LinkedItem | undefined {
    const row = this.rows.get(reference);
    if (!row) return undefined;
    // Only a medication course, a report and a completed diary entry need the resource read; most
    // linked items are served as stored, so their text is not parsed.
    const resource = () => this.resource(reference)!;
    const area = row.area as RecordArea;
    const single = (category: LinkCategory): LinkedItem => ({ category, area, entry: reference, resources: [stored(row)], confidential: row.confidential });
    switch (row.resource_type) {
      case 'MedicationRequest':
        return this.medicationCourse(reference, row, resource());
      case 'AllergyIntolerance':
        return single(row.status === 'resolved' ? 'endedAllergies' : 'allergies');
      case 'Encounter':
        return single('consultations');
      case 'Condition':
        return single('problems');
      case 'Immunization':
        return single('immunisations');
      case 'ReferralRequest':
        return single('referrals');
      case 'DocumentReference':
        return single('documents');
      case 'DiagnosticReport':
        return { ...single('investigations'), resources: [stored(row), ...this.reportParts(resource())] };
      case 'ProcedureRequest':
        if (row.status === 'completed') {
          const note = diaryCommentNote(resource());
          return { category: 'uncategorised', area, entry: `Observation/${note['id'] as string}`, resources: [note], confidential: row.confidential, servedAs: 'comment-note' };
        }
        return area === 'investigations' ? (this.reportHolding(reference) ?? single('investigations')) : single('diaryEntries');
      default:
        if (area === 'investigations') return this.reportHolding(reference) ?? single('investigations');
        // A consent or dissent record (an Observation) is listed with the immunisations it concerns.
        return single(area === 'diaryEntries' ? 'diaryEntries' : area === 'immunisations' ? 'immunisations' : 'uncategorised');
    }
  }

  private medicationCourse(reference: string, row: ClinicalItemRow, request: Json): LinkedItem {
    const plan = request['intent'] === 'plan' ? reference : referencesOf(request['basedOn'])[0];
    this.statementsByPlan ??= new Map(
      this.itemsOf('medications')
        .filter((r) => r.resource_type === 'MedicationStatement')
        .map((r) => [referencesOf(this.resource(`MedicationStatement/${r.id}`)?.['basedOn'])[0] ?? '', r]),
    );
    const statementRow = plan ? this.statementsByPlan.get(plan) : undefined;
    const statement = statementRow ? `MedicationStatement/${statementRow.id}` : reference;
    const planResource = plan ? this.resource(plan) : undefined;
    const medication = referencesOf(planResource?.['medicationReference'] ?? request['medicationReference'])[0];
    const course = [statementRow ? statement : undefined, plan, medication, request['intent'] === 'order' ? reference : undefined];
    return {
      category: 'medications',
      area: 'medications',
      entry: statement,
      resources: course.flatMap((r) => (r ? [this.stored(r)].filter((x) => x !== undefined) : [])),
      confidential: row.confidential || (statementRow?.confidential ?? false),
    };
  }

  /** The report a test result, test group, specimen or test request belongs to, with all its parts. */
  private reportHolding(reference: string): LinkedItem | undefined {
    this.reportsByPart ??= new Map(
      this.itemsOf('investigations')
        .filter((r) => r.resource_type === 'DiagnosticReport')
        .flatMap((r) => this.reportParts(this.resource(`DiagnosticReport/${r.id}`)!).map((part) => [part.key, r] as const)),
    );
    const row = this.reportsByPart.get(reference);
    if (!row) return undefined;
    const report = `DiagnosticReport/${row.id}`;
    return { category: 'investigations', area: 'investigations', entry: report, resources: [stored(row), ...this.reportParts(this.resource(report)!)], confidential: row.confidential };
  }
}
