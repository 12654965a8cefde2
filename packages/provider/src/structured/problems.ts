import { EXTENSIONS } from '@gpconnect/fhir';
import { clinicalList, type AreaContent } from './record-lists.ts';
import { SecondaryLists, type LinkContext } from './linked-content.ts';
import { referencesOf } from './patient-record.ts';

/**
 * Problems (structured.md §5.4): the "Problems" List of the ProblemHeaders matching `filterStatus`
 * (all when absent), each with everything linked to it — the item it was escalated from, the items
 * and consultations linked to it (a medication with its whole course, a report with its parts,
 * consultations as their Encounter only) — grouped into the "Problems - ..." secondary Lists. Problems
 * related to a matching one but not matching themselves go to the one related-problems List
 * (related-problems.ts); `directlyRelated` names them.
 */

type Json = Record<string, unknown>;

const LIST = { code: '717711000000103', display: 'Problems', title: 'Problems' };

/** The references a problem's extensions and context link it to: items, consultations and problems. */
export function problemLinks(problem: Json): { items: string[]; problems: string[] } {
  const extensions = (problem['extension'] as Json[] | undefined) ?? [];
  const items = extensions.filter((e) => e['url'] === EXTENSIONS.actualProblem || e['url'] === EXTENSIONS.relatedClinicalContent).flatMap((e) => referencesOf(e['valueReference']));
  const problems = extensions
    .filter((e) => e['url'] === EXTENSIONS.relatedProblemHeader)
    .flatMap((e) => referencesOf(((e['extension'] as Json[] | undefined) ?? []).find((part) => part['url'] === 'target')?.['valueReference']));
  return { items: [...new Set([...items, ...referencesOf(problem['context'])])], problems };
}

export interface ProblemsContent extends AreaContent {
  /** `Condition/id` of the problems in the primary List. */
  primary: Set<string>;
  /** `Condition/id` of the problems directly related to a primary one. */
  directlyRelated: Set<string>;
}

export function problemsArea(context: LinkContext, filterStatus: string | undefined): ProblemsContent {
  const { record, patientId, recordWarnings } = context;
  const matching = record.itemsOf('problems').filter((item) => filterStatus === undefined || item.status === filterStatus);
  const shown = matching.filter((item) => !item.confidential).map((item) => `Condition/${item.id}`);
  const secondary = new SecondaryLists('Problems');
  const directlyRelated = new Set<string>();
  for (const reference of shown) {
    const links = problemLinks(record.resource(reference)!);
    for (const item of links.items) secondary.follow(context, item);
    for (const problem of links.problems) directlyRelated.add(problem);
  }
  const problems = shown.map((reference) => context.servedProblem(reference));
  const resources = [clinicalList(LIST, patientId, shown.map((reference) => ({ reference })), shown.length < matching.length, recordWarnings), ...problems, ...secondary.build(patientId, recordWarnings)];
  return { resources, primary: new Set(shown), directlyRelated };
}
