import type { AreaContent } from './record-lists.ts';
import { secondaryList, type LinkContext } from './linked-content.ts';
import { problemLinks } from './problems.ts';

/**
 * "Problems - linked problems not relating to the primary query" (structured.md §6.3): for any query,
 * one List of the problems linked to what the response returns — or directly related to a problem it
 * returns — that are not in a primary Problems List themselves. Their own links are not followed.
 */

const TITLE = 'Problems - linked problems not relating to the primary query';

/**
 * `returned`: `Type/id` of every resource the areas return; `primary`: problems in the primary List;
 * `directlyRelated`: problems a primary one names as related. Undefined when there are none.
 */
export function relatedProblems(context: LinkContext, returned: ReadonlySet<string>, primary: ReadonlySet<string>, directlyRelated: ReadonlySet<string>): AreaContent | undefined {
  const related = context.record
    .itemsOf('problems')
    .map((row) => `Condition/${row.id}`)
    .filter((reference) => !primary.has(reference))
    .filter((reference) => directlyRelated.has(reference) || problemLinks(context.record.resource(reference)!).items.some((item) => returned.has(item)));
  const shared = related.filter((reference) => {
    const state = context.follow(reference);
    return state !== 'withheld' && state !== 'disabled';
  });
  if (shared.length === 0) return undefined;
  const problems = shared.map((reference) => context.servedProblem(reference));
  const list = secondaryList(TITLE, context.patientId, shared.map((reference) => ({ reference })), false, context.recordWarnings);
  return { resources: [list, ...problems] };
}
