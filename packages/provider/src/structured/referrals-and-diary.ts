import type { ClinicalItemRow } from '@gpconnect/store';
import type { DatePeriod } from './structured-parameters.ts';
import { itemListArea, withinPeriod, type AreaContent, type ListWarning } from './record-lists.ts';

/** Outbound referrals (structured.md §5.8): those made within the search period (`authoredOn`). */
const REFERRALS = { code: '792931000000107', display: 'Outbound referral', title: 'Outbound referral' };

export function referralsArea(items: readonly ClinicalItemRow[], period: DatePeriod | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  return itemListArea(REFERRALS, items.filter((item) => withinPeriod(item.effective_at, period)), patientId, recordWarnings);
}

/**
 * Diary entries (structured.md §5.9): incomplete recalls only, those due on or before the search
 * date when one is given (it is today or later); an entry without a due date is always returned.
 */
const DIARY = { code: '714311000000108', display: 'Patient recall administration', title: 'Patient recall administration' };

export function diaryArea(items: readonly ClinicalItemRow[], searchDate: string | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const due = items.filter((item) => item.status === 'active' && withinPeriod(item.effective_at, searchDate ? { end: searchDate } : undefined));
  return itemListArea(DIARY, due, patientId, recordWarnings);
}
