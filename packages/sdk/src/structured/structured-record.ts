/**
 * The Access Record Structured Bundle (structured.md §3-§6) read into what a clinician looks at:
 * allergies active and ended, medications with their authorisation and latest issue, problems with
 * what is linked to them, consultations with their topics and headings, immunisations, observations,
 * investigations with their results and reference ranges, referrals and diary entries, plus every
 * warning the provider attached. Each item keeps the FHIR resource it came from.
 *
 * Areas are found by their List codes (§6.2), not titles, so older providers' titles do not matter.
 */

type Json = Record<string, unknown>;

/** A coded concept as a person reads it: the text, or the first coding's display, or the code. */
export interface Concept {
  text: string;
  system: string | undefined;
  code: string | undefined;
}

export interface ListWarning {
  /** The List's title. */
  list: string;
  /** confidential-items, data-in-transit, data-awaiting-filing. */
  code: string;
  note: string | undefined;
}

export interface Allergy {
  substance: Concept;
  clinicalStatus: string | undefined;
  onset: string | undefined;
  /** When it ended (resolved allergies). */
  ended: string | undefined;
  reactions: string[];
  resource: Json;
}

export interface MedicationIssue {
  authoredOn: string | undefined;
  status: string | undefined;
  quantity: string | undefined;
  resource: Json;
}

export interface MedicationItem {
  medication: Concept;
  status: string | undefined;
  dosage: string | undefined;
  start: string | undefined;
  end: string | undefined;
  /** acute, repeat, repeat-dispensing, delayed-prescribing (from the authorisation). */
  prescriptionType: string | undefined;
  /** prescribed-at-gp-practice, prescribed-by-another-organisation, prescribed-by-previous-practice. */
  prescribingAgency: string | undefined;
  /** The issues, most recent first; the first is the latest. */
  issues: MedicationIssue[];
  latestIssue: MedicationIssue | undefined;
  statement: Json;
  authorisation: Json | undefined;
}

/** An item a problem or consultation links to, with a clinician-readable label. */
export interface RecordItem {
  /** FHIR resource type: MedicationRequest, Observation, AllergyIntolerance, Encounter... */
  type: string;
  /** What it is: the medication's name, the observation or allergy's term, the consultation's type. */
  label: string;
  resource: Json;
}

export interface Problem {
  condition: Concept;
  status: string | undefined;
  significance: string | undefined;
  onset: string | undefined;
  ended: string | undefined;
  /** Items linked to the problem (relatedClinicalContent, and the item it was escalated from), as found in the Bundle. */
  linked: RecordItem[];
  /** Links the provider could not send, as it said: "Referral items have been disabled"... */
  placeholders: string[];
  relatedProblems: { type: string | undefined; problem: Json }[];
  resource: Json;
}

export interface ConsultationHeading {
  title: string;
  items: RecordItem[];
}

export interface ConsultationTopic {
  title: string | undefined;
  headings: ConsultationHeading[];
  /** Items recorded under the topic directly (no headings). */
  items: RecordItem[];
}

export interface Consultation {
  type: Concept | undefined;
  status: string | undefined;
  start: string | undefined;
  topics: ConsultationTopic[];
  resource: Json;
}

export interface Immunisation {
  /**
   * The vaccination given (or not given): its procedure, which names a vaccination even where the
   * product is recorded only as unknown; the product's term when there is no procedure.
   */
  vaccination: Concept;
  /** The product (often a null flavour: unknown). */
  vaccine: Concept;
  date: string | undefined;
  notGiven: boolean;
  resource: Json;
}

export interface ObservationItem {
  name: Concept;
  date: string | undefined;
  /** When a record with a period ended (a consent or dissent later withdrawn). */
  ended: string | undefined;
  value: string | undefined;
  /** Blood pressure and other multi-part observations. */
  components: { name: Concept; value: string | undefined }[];
  resource: Json;
}

export interface TestResult {
  name: Concept;
  value: string | undefined;
  /** The reference range as written: `3.5 - 11`, or its text. */
  referenceRange: string | undefined;
  interpretation: string | undefined;
  comment: string | undefined;
  resource: Json;
}

export interface Investigation {
  issued: string | undefined;
  status: string | undefined;
  /** Test groups with their results; results outside any group come as a group without a name. */
  groups: { name: Concept | undefined; results: TestResult[] }[];
  conclusion: string | undefined;
  resource: Json;
}

export interface Referral {
  reason: Concept | undefined;
  authoredOn: string | undefined;
  priority: string | undefined;
  status: string | undefined;
  resource: Json;
}

export interface DiaryEntry {
  what: Concept;
  when: string | undefined;
  resource: Json;
}

export interface StructuredRecord {
  patient: Json | undefined;
  allergies: { active: Allergy[]; ended: Allergy[] };
  medications: MedicationItem[];
  problems: Problem[];
  consultations: Consultation[];
  immunisations: Immunisation[];
  /** Consent and dissent records filed with the immunisations (asked for with `includeStatus`). */
  immunisationStatus: ObservationItem[];
  uncategorised: ObservationItem[];
  investigations: Investigation[];
  referrals: Referral[];
  diaryEntries: DiaryEntry[];
  /** Warnings on the Lists (confidential items withheld, record in transit...). */
  warnings: ListWarning[];
  /** Issues of the OperationOutcome the provider adds for parameters it did not act on. */
  operationOutcome: { code: string | undefined; diagnostics: string | undefined }[];
}

/** SNOMED codes of the primary Lists (structured.md §6.2). */
export const LIST_CODES = {
  allergies: '886921000000105',
  endedAllergies: '1103671000000101',
  consultations: '1149501000000101',
  diary: '714311000000108',
  immunisations: '1102181000000102',
  investigations: '887191000000108',
  medications: '933361000000108',
  referrals: '792931000000107',
  problems: '717711000000103',
  uncategorised: '826501000000100',
} as const;
/** Codes providers before 1.6 used for the same Lists. */
const LEGACY_LIST_CODES: Partial<Record<string, string[]>> = { [LIST_CODES.referrals]: ['886721000000107'] };
/** Comment note (record artifact): the code of free text (Observation narrative). */
const COMMENT_NOTE = '37331000000100';
const CONSULTATION_LEVEL = { consultation: '325851000000107', topic: '25851000000105', heading: '24781000000107' };

const EXT = {
  warningCode: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1',
  prescriptionType: 'PrescriptionType',
  prescribingAgency: 'PrescribingAgency',
  problemSignificance: 'ProblemSignificance',
  relatedClinicalContent: 'RelatedClinicalContent',
  actualProblem: 'ActualProblem',
  relatedProblemHeader: 'RelatedProblemHeader',
  quantityText: 'MedicationQuantityText',
};

function concept(value: unknown): Concept {
  const cc = (value ?? {}) as { text?: string; coding?: { system?: string; code?: string; display?: string }[] };
  const coding = cc.coding?.[0];
  return { text: cc.text ?? coding?.display ?? coding?.code ?? '', system: coding?.system, code: coding?.code };
}

/** Extensions are matched on the end of their URL: versions and hosts (http/https, hl7.org.uk/nhs.uk) vary between providers. */
function extensions(resource: Json, name: string): Json[] {
  return ((resource['extension'] as Json[] | undefined) ?? []).filter((e) => new RegExp(`Extension-[A-Za-z-]*${name}(-\\d+)?$`).test(String(e['url'])));
}

function codeOf(extension: Json | undefined): string | undefined {
  if (!extension) return undefined;
  const cc = extension['valueCodeableConcept'] as { coding?: { code?: string }[] } | undefined;
  return (extension['valueCode'] as string | undefined) ?? cc?.coding?.[0]?.code;
}

function quantity(value: unknown): string | undefined {
  const q = value as { value?: number; unit?: string; comparator?: string } | undefined;
  if (q?.value === undefined) return undefined;
  return `${q.comparator ?? ''}${q.value}${q.unit ? ` ${q.unit}` : ''}`;
}

/** An observation's value as text, whatever its type. */
function valueText(resource: Json): string | undefined {
  if (resource['valueQuantity']) return quantity(resource['valueQuantity']);
  if (typeof resource['valueString'] === 'string') return resource['valueString'];
  if (resource['valueCodeableConcept']) return concept(resource['valueCodeableConcept']).text;
  for (const key of ['valueBoolean', 'valueInteger', 'valueDateTime', 'valueTime']) if (resource[key] !== undefined) return String(resource[key]);
  if (resource['valueRange']) {
    const range = resource['valueRange'] as { low?: unknown; high?: unknown };
    return `${quantity(range.low) ?? ''} - ${quantity(range.high) ?? ''}`;
  }
  return undefined;
}

function effective(resource: Json): string | undefined {
  return (resource['effectiveDateTime'] as string | undefined) ?? (resource['effectivePeriod'] as { start?: string } | undefined)?.start;
}

/** Resolves references within the Bundle, including `#id` references into a List's contained resources. */
class BundleIndex {
  private readonly byReference = new Map<string, Json>();

  constructor(resources: readonly Json[]) {
    for (const resource of resources) {
      this.byReference.set(`${resource['resourceType'] as string}/${resource['id'] as string}`, resource);
      for (const contained of (resource['contained'] as Json[] | undefined) ?? []) this.byReference.set(`#${contained['id'] as string}`, contained);
    }
  }

  resolve(reference: unknown): Json | undefined {
    const ref = (reference as { reference?: string } | undefined)?.reference;
    return ref ? this.byReference.get(ref) : undefined;
  }
}

function listCode(list: Json): string | undefined {
  return (list['code'] as { coding?: { code?: string }[] } | undefined)?.coding?.[0]?.code;
}

function readAllergy(resource: Json): Allergy {
  const reactions = ((resource['reaction'] as { manifestation?: unknown[] }[] | undefined) ?? []).flatMap((r) => (r.manifestation ?? []).map((m) => concept(m).text));
  return {
    substance: concept(resource['code']),
    clinicalStatus: resource['clinicalStatus'] as string | undefined,
    onset: resource['onsetDateTime'] as string | undefined,
    ended: ((extensions(resource, 'AllergyIntoleranceEnd')[0]?.['extension'] as Json[] | undefined) ?? []).find((part) => part['url'] === 'endDate')?.['valueDateTime'] as string | undefined,
    reactions,
    resource,
  };
}

function readMedication(statement: Json, index: BundleIndex, all: readonly Json[]): MedicationItem {
  const authorisation = index.resolve((statement['basedOn'] as unknown[] | undefined)?.[0]);
  const medication = index.resolve(statement['medicationReference']);
  const planReference = authorisation ? `MedicationRequest/${authorisation['id'] as string}` : undefined;
  const issues = all
    .filter((r) => r['resourceType'] === 'MedicationRequest' && r['intent'] === 'order' && ((r['basedOn'] as { reference?: string }[] | undefined) ?? []).some((b) => b.reference === planReference))
    .map((r) => {
      const dispense = (r['dispenseRequest'] ?? {}) as { quantity?: unknown; extension?: Json[] };
      const quantityText = dispense.extension?.find((e) => String(e['url']).includes(EXT.quantityText))?.['valueString'] as string | undefined;
      return { authoredOn: r['authoredOn'] as string | undefined, status: r['status'] as string | undefined, quantity: quantity(dispense.quantity) ?? quantityText, resource: r };
    })
    .sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? ''));
  const period = (statement['effectivePeriod'] ?? {}) as { start?: string; end?: string };
  return {
    medication: medication ? concept(medication['code']) : { text: '', system: undefined, code: undefined },
    status: statement['status'] as string | undefined,
    dosage: ((statement['dosage'] as { text?: string }[] | undefined) ?? [])[0]?.text,
    start: period.start,
    end: period.end,
    prescriptionType: authorisation ? codeOf(extensions(authorisation, EXT.prescriptionType)[0]) : undefined,
    prescribingAgency: codeOf(extensions(statement, EXT.prescribingAgency)[0]),
    issues,
    latestIssue: issues[0],
    statement,
    authorisation,
  };
}

/** The vaccination procedure an Immunization records (its extension), if any. */
function vaccinationProcedure(immunization: Json): unknown {
  return extensions(immunization, 'VaccinationProcedure')[0]?.['valueCodeableConcept'];
}

/** A label for an item: its code's term; for a medication request or statement, its medication's name. */
function itemOf(resource: Json, index: BundleIndex): RecordItem {
  const type = resource['resourceType'] as string;
  const medication = resource['medicationReference'] ? index.resolve(resource['medicationReference']) : undefined;
  // A vaccination is named by its procedure: the product is often recorded only as unknown.
  const procedure = type === 'Immunization' ? vaccinationProcedure(resource) : undefined;
  // Free text (a consultation's narrative, a comment note) is labelled with what was written.
  if (type === 'Observation' && typeof resource['comment'] === 'string' && concept(resource['code']).code === COMMENT_NOTE) return { type, label: resource['comment'], resource };
  const coded = medication?.['code'] ?? resource['code'] ?? procedure ?? resource['vaccineCode'] ?? (resource['reasonCode'] as unknown[] | undefined)?.[0] ?? (resource['type'] as unknown[] | undefined)?.[0];
  return { type, label: coded ? concept(coded).text : type, resource };
}

function readObservation(observation: Json): ObservationItem {
  return {
    name: concept(observation['code']),
    date: effective(observation),
    ended: (observation['effectivePeriod'] as { end?: string } | undefined)?.end,
    value: valueText(observation),
    components: ((observation['component'] as Json[] | undefined) ?? []).map((c) => ({ name: concept(c['code']), value: valueText(c) })),
    resource: observation,
  };
}

function readProblem(condition: Json, index: BundleIndex): Problem {
  const links = [...extensions(condition, EXT.actualProblem), ...extensions(condition, EXT.relatedClinicalContent)].map((e) => e['valueReference'] as { reference?: string; display?: string } | undefined);
  const linked = links.map((link) => index.resolve(link)).filter((r): r is Json => r !== undefined).map((r) => itemOf(r, index));
  const placeholders = links.flatMap((link) => (link && !link.reference && link.display ? [link.display] : []));
  const relatedProblems = extensions(condition, EXT.relatedProblemHeader).flatMap((e) => {
    const parts = (e['extension'] as Json[] | undefined) ?? [];
    const problem = index.resolve(parts.find((p) => p['url'] === 'target')?.['valueReference']);
    return problem ? [{ type: parts.find((p) => p['url'] === 'type')?.['valueCode'] as string | undefined, problem }] : [];
  });
  return {
    condition: concept(condition['code']),
    status: condition['clinicalStatus'] as string | undefined,
    significance: codeOf(extensions(condition, EXT.problemSignificance)[0]),
    onset: condition['onsetDateTime'] as string | undefined,
    ended: condition['abatementDateTime'] as string | undefined,
    linked,
    placeholders,
    relatedProblems,
    resource: condition,
  };
}

function readConsultation(encounter: Json, lists: readonly Json[], index: BundleIndex): Consultation {
  const reference = `Encounter/${encounter['id'] as string}`;
  const consultationList = lists.find((l) => listCode(l) === CONSULTATION_LEVEL.consultation && (l['encounter'] as { reference?: string } | undefined)?.reference === reference);
  const entries = (list: Json | undefined) => ((list?.['entry'] as { item?: unknown }[] | undefined) ?? []).map((e) => index.resolve(e.item)).filter((r): r is Json => r !== undefined);
  const topics = entries(consultationList).map((topic) => {
    const children = entries(topic);
    const headings = children.filter((c) => c['resourceType'] === 'List' && listCode(c) === CONSULTATION_LEVEL.heading).map((h) => ({ title: String(h['title'] ?? ''), items: entries(h).map((r) => itemOf(r, index)) }));
    return { title: topic['title'] as string | undefined, headings, items: children.filter((c) => c['resourceType'] !== 'List').map((r) => itemOf(r, index)) };
  });
  const type = (encounter['type'] as unknown[] | undefined)?.[0];
  return { type: type ? concept(type) : undefined, status: encounter['status'] as string | undefined, start: (encounter['period'] as { start?: string } | undefined)?.start, topics, resource: encounter };
}

function readResult(observation: Json): TestResult {
  const range = ((observation['referenceRange'] as { low?: unknown; high?: unknown; text?: string }[] | undefined) ?? [])[0];
  const rangeText = range ? (range.text ?? `${quantity(range.low) ?? ''} - ${quantity(range.high) ?? ''}`.trim()) : undefined;
  const interpretation = observation['interpretation'] ? concept(observation['interpretation']).text : undefined;
  return { name: concept(observation['code']), value: valueText(observation), referenceRange: rangeText, interpretation, comment: observation['comment'] as string | undefined, resource: observation };
}

function readInvestigation(report: Json, index: BundleIndex): Investigation {
  const groups: Investigation['groups'] = [];
  const loose: TestResult[] = [];
  for (const reference of (report['result'] as unknown[] | undefined) ?? []) {
    const observation = index.resolve(reference);
    if (!observation) continue;
    const members = ((observation['related'] as { type?: string; target?: unknown }[] | undefined) ?? []).filter((r) => r.type === 'has-member').map((r) => index.resolve(r.target)).filter((r): r is Json => r !== undefined);
    if (members.length > 0) groups.push({ name: concept(observation['code']), results: members.map(readResult) });
    else loose.push(readResult(observation));
  }
  if (loose.length > 0) groups.push({ name: undefined, results: loose });
  return { issued: report['issued'] as string | undefined, status: report['status'] as string | undefined, groups, conclusion: report['conclusion'] as string | undefined, resource: report };
}

/** Reads a $gpc.getstructuredrecord response Bundle. */
export function readStructuredRecord(bundle: Json): StructuredRecord {
  // An entry without a resource is malformed; it is skipped rather than failing the whole record.
  const resources = ((bundle['entry'] as { resource?: Json }[] | undefined) ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const index = new BundleIndex(resources);
  const lists = resources.filter((r) => r['resourceType'] === 'List');
  const entriesOf = (code: string) =>
    lists
      .filter((l) => listCode(l) === code || (LEGACY_LIST_CODES[code] ?? []).includes(listCode(l) ?? ''))
      .flatMap((l) => ((l['entry'] as { item?: unknown }[] | undefined) ?? []).map((e) => index.resolve(e.item)))
      .filter((r): r is Json => r !== undefined);
  // Ended allergies live contained in their List; older providers titled it "Resolved Allergies" with a placeholder code.
  const endedLists = lists.filter((l) => listCode(l) === LIST_CODES.endedAllergies || /^(ended|resolved) allergies$/i.test(String(l['title'] ?? '')));
  const ended = endedLists.flatMap((l) => ((l['contained'] as Json[] | undefined) ?? []).filter((c) => c['resourceType'] === 'AllergyIntolerance'));

  const warnings = lists.flatMap((l) =>
    extensions(l, 'ListWarningCode').map((e) => ({ list: String(l['title'] ?? ''), code: String(codeOf(e) ?? ''), note: ((l['note'] as { text?: string }[] | undefined) ?? [])[0]?.text })),
  );
  const outcome = resources.find((r) => r['resourceType'] === 'OperationOutcome');
  return {
    patient: resources.find((r) => r['resourceType'] === 'Patient'),
    allergies: { active: entriesOf(LIST_CODES.allergies).filter((r) => r['resourceType'] === 'AllergyIntolerance').map(readAllergy), ended: ended.map(readAllergy) },
    medications: entriesOf(LIST_CODES.medications).filter((r) => r['resourceType'] === 'MedicationStatement').map((s) => readMedication(s, index, resources)),
    problems: entriesOf(LIST_CODES.problems).filter((r) => r['resourceType'] === 'Condition').map((c) => readProblem(c, index)),
    consultations: entriesOf(LIST_CODES.consultations).filter((r) => r['resourceType'] === 'Encounter').map((e) => readConsultation(e, lists, index)),
    immunisations: entriesOf(LIST_CODES.immunisations)
      .filter((r) => r['resourceType'] === 'Immunization')
      .map((r) => ({ vaccination: concept(vaccinationProcedure(r) ?? r['vaccineCode']), vaccine: concept(r['vaccineCode']), date: r['date'] as string | undefined, notGiven: r['notGiven'] === true, resource: r })),
    immunisationStatus: entriesOf(LIST_CODES.immunisations).filter((r) => r['resourceType'] === 'Observation').map(readObservation),
    uncategorised: entriesOf(LIST_CODES.uncategorised).filter((r) => r['resourceType'] === 'Observation').map(readObservation),
    investigations: entriesOf(LIST_CODES.investigations).filter((r) => r['resourceType'] === 'DiagnosticReport').map((r) => readInvestigation(r, index)),
    referrals: entriesOf(LIST_CODES.referrals)
      .filter((r) => r['resourceType'] === 'ReferralRequest')
      .map((r) => {
        const reason = (r['reasonCode'] as unknown[] | undefined)?.[0];
        return { reason: reason ? concept(reason) : undefined, authoredOn: r['authoredOn'] as string | undefined, priority: r['priority'] as string | undefined, status: r['status'] as string | undefined, resource: r };
      }),
    diaryEntries: entriesOf(LIST_CODES.diary)
      .filter((r) => r['resourceType'] === 'ProcedureRequest')
      .map((r) => ({ what: concept(r['code']), when: (r['occurrenceDateTime'] as string | undefined) ?? (r['occurrencePeriod'] as { start?: string } | undefined)?.start, resource: r })),
    warnings,
    operationOutcome: ((outcome?.['issue'] as { details?: { coding?: { code?: string }[] }; diagnostics?: string }[] | undefined) ?? []).map((i) => ({ code: i.details?.coding?.[0]?.code, diagnostics: i.diagnostics })),
  };
}
