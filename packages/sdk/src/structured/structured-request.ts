import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';

/** A date range of whole dates (YYYY-MM-DD); either end may be open. */
export interface DateRange {
  start?: string;
  end?: string;
}

/**
 * What to ask a practice for in $gpc.getstructuredrecord (structured.md §2): an area is requested
 * by being present; its fields are the area's part parameters.
 */
export interface StructuredRecordRequest {
  allergies?: { includeResolved: boolean };
  medications?: { includeIssues?: boolean; fromDate?: string };
  consultations?: { period?: DateRange; mostRecent?: number };
  problems?: { status?: 'active' | 'inactive' };
  immunisations?: { includeNotGiven?: boolean; includeStatus?: boolean };
  uncategorised?: { period?: DateRange };
  investigations?: { period?: DateRange };
  referrals?: { period?: DateRange };
  diaryEntries?: { searchDate?: string };
}

type Part = Record<string, unknown>;

const period = (range: DateRange) => ({ valuePeriod: { ...(range.start ? { start: range.start } : {}), ...(range.end ? { end: range.end } : {}) } });

/** One area's parameter: its name alone, or with its parts. */
function area(name: string, parts: (Part | undefined)[]): Part {
  const present = parts.filter((p): p is Part => p !== undefined);
  return present.length > 0 ? { name, part: present } : { name };
}

/** The Parameters resource of a structured record request for `nhsNumber`, areas in the spec's order. */
export function structuredRecordParameters(nhsNumber: string, request: StructuredRecordRequest): Record<string, unknown> {
  const parameter: Part[] = [{ name: 'patientNHSNumber', valueIdentifier: { system: IDENTIFIER_SYSTEMS.nhsNumber, value: nhsNumber } }];
  const { allergies, medications, consultations, problems, immunisations, uncategorised, investigations, referrals, diaryEntries } = request;
  if (allergies) parameter.push(area('includeAllergies', [{ name: 'includeResolvedAllergies', valueBoolean: allergies.includeResolved }]));
  if (medications) {
    parameter.push(
      area('includeMedication', [
        medications.includeIssues === undefined ? undefined : { name: 'includePrescriptionIssues', valueBoolean: medications.includeIssues },
        medications.fromDate ? { name: 'medicationSearchFromDate', valueDate: medications.fromDate } : undefined,
      ]),
    );
  }
  if (consultations) {
    parameter.push(
      area('includeConsultations', [
        consultations.period ? { name: 'consultationSearchPeriod', ...period(consultations.period) } : undefined,
        consultations.mostRecent === undefined ? undefined : { name: 'includeNumberOfMostRecent', valuePositiveInt: consultations.mostRecent },
      ]),
    );
  }
  if (problems) parameter.push(area('includeProblems', [problems.status ? { name: 'filterStatus', valueCode: problems.status } : undefined]));
  if (immunisations) {
    parameter.push(
      area('includeImmunisations', [
        immunisations.includeNotGiven === undefined ? undefined : { name: 'includeNotGiven', valueBoolean: immunisations.includeNotGiven },
        immunisations.includeStatus === undefined ? undefined : { name: 'includeStatus', valueBoolean: immunisations.includeStatus },
      ]),
    );
  }
  if (uncategorised) parameter.push(area('includeUncategorisedData', [uncategorised.period ? { name: 'uncategorisedDataSearchPeriod', ...period(uncategorised.period) } : undefined]));
  if (investigations) parameter.push(area('includeInvestigations', [investigations.period ? { name: 'investigationSearchPeriod', ...period(investigations.period) } : undefined]));
  if (referrals) parameter.push(area('includeReferrals', [referrals.period ? { name: 'referralSearchPeriod', ...period(referrals.period) } : undefined]));
  if (diaryEntries) parameter.push(area('includeDiaryEntries', [diaryEntries.searchDate ? { name: 'diaryEntriesSearchDate', valueDate: diaryEntries.searchDate } : undefined]));
  return { resourceType: 'Parameters', parameter };
}
