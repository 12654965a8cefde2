import { CODE_SYSTEMS, EXTENSIONS } from '@gpconnect/fhir';
import type { LinkCategory, LinkedItem, PatientRecord } from './patient-record.ts';
import { clinicalList, StoredResource, type ListWarning, type Served } from './record-lists.ts';
import type { RecordArea } from './structured-parameters.ts';

/**
 * What problems and consultations bring back from the other areas (structured.md §5.3, §5.4, §6.3,
 * §6.4): the linked items with what travels with them, grouped into secondary Lists; confidential
 * items withheld with no trace but the List's warning; items of an area the practice switched off
 * replaced by the spec's placeholder, and the area reported.
 */

type Json = Record<string, unknown>;

/** How a secondary List's title names each kind of item (§6.2). */
const PHRASES: Record<LinkCategory, string> = {
  allergies: 'allergies',
  endedAllergies: 'allergies that have been ended',
  consultations: 'consultations',
  diaryEntries: 'diary entries',
  documents: 'documents',
  immunisations: 'immunisations',
  investigations: 'investigations',
  medications: 'medications',
  problems: 'problems',
  referrals: 'outbound referrals',
  uncategorised: 'uncategorised data',
};

/** The name of a clinical area in the placeholder of a switched-off item (§6.4). */
const ITEM_NAMES: Record<RecordArea, string> = {
  allergies: 'Allergy',
  medications: 'Medication',
  consultations: 'Consultation',
  problems: 'Problem',
  immunisations: 'Immunisation',
  uncategorised: 'Uncategorised data',
  investigations: 'Investigation',
  referrals: 'Referral',
  diaryEntries: 'Diary entry',
  documents: 'Document',
};

export const disabledPlaceholder = (area: RecordArea) => ({ display: `${ITEM_NAMES[area]} items have been disabled` });

function secondaryTitle(context: 'Consultations' | 'Problems', category: LinkCategory): string {
  if (context === 'Problems') return `Problems - ${PHRASES[category]} related to problems`;
  return category === 'referrals' ? 'Consultations - outbound referrals in consultations' : `Consultations - ${PHRASES[category]} contained in consultations`;
}

/** The secondary List code: its title, lower case and hyphenated (§6.2). */
export function secondaryList(title: string, patientId: string, entries: readonly { reference: string }[], withheld: boolean, recordWarnings: readonly ListWarning[]): Json {
  const code = title.toLowerCase().replace(/ - /g, '-').replace(/ /g, '-');
  return clinicalList({ system: CODE_SYSTEMS.secondaryListValues, code, display: title, title }, patientId, entries, withheld, recordWarnings);
}

/** Everything a request's links need: the record, the practice's switched-off areas, and what was met. */
export class LinkContext {
  /** Switched-off areas that linked items would have come from: each gets the disabled warning. */
  readonly disabledLinked = new Set<RecordArea>();
  private readonly problems = new Map<string, Served>();

  constructor(
    readonly record: PatientRecord,
    readonly patientId: string,
    readonly recordWarnings: readonly ListWarning[],
    private readonly switchedOff: ReadonlySet<RecordArea>,
  ) {}

  /** The item at a reference as it may be shared: 'withheld', 'disabled', absent, or the item. */
  follow(reference: string): LinkedItem | 'withheld' | 'disabled' | undefined {
    const item = this.record.linked(reference);
    if (!item) return undefined;
    if (item.confidential) return 'withheld';
    if (this.switchedOff.has(item.area)) {
      this.disabledLinked.add(item.area);
      return 'disabled';
    }
    return item;
  }

  placeholderFor(reference: string): { display: string } {
    return disabledPlaceholder(this.record.linked(reference)!.area);
  }

  /**
   * A problem as it is shared: links to confidential items removed without trace, links to items of
   * switched-off areas replaced by the placeholder (§5.4, problem guidance); as stored when neither.
   */
  servedProblem(reference: string): Served {
    const served = this.problems.get(reference) ?? this.serveProblem(reference);
    this.problems.set(reference, served);
    return served;
  }

  private serveProblem(reference: string): Served {
    const problem = this.record.resource(reference)!;
    const original = (problem['extension'] as Json[] | undefined) ?? [];
    const extension = original.flatMap((ext): Json[] => {
      const url = ext['url'];
      if (url === EXTENSIONS.relatedProblemHeader) {
        const target = ((ext['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === 'target')?.['valueReference'] as { reference?: string } | undefined;
        return target?.reference && this.record.row(target.reference)?.confidential ? [] : [ext];
      }
      if (url !== EXTENSIONS.relatedClinicalContent && url !== EXTENSIONS.actualProblem) return [ext];
      const linked = (ext['valueReference'] as { reference?: string } | undefined)?.reference;
      if (!linked) return [ext];
      const state = this.follow(linked);
      if (state === 'withheld') return [];
      if (state === 'disabled') return [{ url, valueReference: this.placeholderFor(linked) }];
      return state?.servedAs ? [{ url, valueReference: { reference: state.entry } }] : [ext];
    });
    const unchanged = extension.length === original.length && extension.every((ext, i) => ext === original[i]);
    return unchanged ? this.record.stored(reference)! : { ...problem, extension };
  }
}

/** Linked items grouped into the secondary Lists of one kind of query ("Problems - ...", "Consultations - ..."). */
export class SecondaryLists {
  private readonly entries = new Map<LinkCategory, Set<string>>();
  private readonly withheld = new Set<LinkCategory>();
  private readonly resources = new Map<string, Served>();

  constructor(private readonly context: 'Consultations' | 'Problems') {}

  add(item: LinkedItem): void {
    const entries = this.entries.get(item.category) ?? new Set<string>();
    entries.add(item.entry);
    this.entries.set(item.category, entries);
    for (const resource of item.resources) this.resources.set(resource instanceof StoredResource ? resource.key : `${resource['resourceType'] as string}/${resource['id'] as string}`, resource);
  }

  /** A confidential item left out: its List still appears, saying so (§6.3). */
  withhold(category: LinkCategory): void {
    this.withheld.add(category);
  }

  /** Follows a link into these Lists; returns what became of it. */
  follow(context: LinkContext, reference: string): ReturnType<LinkContext['follow']> {
    const state = context.follow(reference);
    if (state === 'withheld') this.withhold(context.record.linked(reference)!.category);
    else if (state !== undefined && state !== 'disabled') this.add(state);
    return state;
  }

  /** The Lists, in the order of §6.2, then every resource they name and what travels with them. */
  build(patientId: string, recordWarnings: readonly ListWarning[]): Served[] {
    const categories = (Object.keys(PHRASES) as LinkCategory[]).filter((c) => this.entries.has(c) || this.withheld.has(c));
    const lists = categories.map((category) =>
      secondaryList(secondaryTitle(this.context, category), patientId, [...(this.entries.get(category) ?? [])].map((reference) => ({ reference })), this.withheld.has(category), recordWarnings),
    );
    return [...lists, ...this.resources.values()];
  }
}
