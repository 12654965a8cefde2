import { COMMENT_NOTE, referencesOf } from '../../structured/patient-record.ts';
import { conceptText, quantityText, type CareRecord, type Json } from '../care-record.ts';

/** Free text: a consultation's narrative or a filing comment. */
export const isCommentNote = (resource: Json) => ((resource['code'] as { coding?: { code?: string }[] } | undefined)?.coding ?? []).some((c) => c.code === COMMENT_NOTE.code);

/**
 * How one clinical item reads in a line of text (a consultation's contents): what it is, and its
 * value when it has one.
 */
export function itemSummary(resource: Json, record: CareRecord): string {
  switch (resource['resourceType']) {
    case 'MedicationRequest':
    case 'MedicationStatement':
      return `Medication: ${medicationName(resource, record)}`;
    case 'AllergyIntolerance':
      return `Allergy: ${conceptText(resource['code'])}`;
    case 'Immunization':
      return `Immunisation: ${conceptText(resource['vaccineCode'])}`;
    case 'ReferralRequest':
      return `Referral: ${conceptText((resource['reasonCode'] as unknown[] | undefined)?.[0])}`;
    case 'DiagnosticReport': {
      // The report's own code is always "Diagnostic studies report": name what was tested.
      const tested = referencesOf(resource['result']).map((r) => conceptText(record.resource(r)?.['code'])).filter(Boolean);
      return `Investigation: ${tested.length > 0 ? tested.join(', ') : conceptText(resource['code'])}`;
    }
    case 'Observation': {
      // Free text (a consultation's narrative, a comment) reads as what was written.
      if (isCommentNote(resource) && typeof resource['comment'] === 'string') return resource['comment'];
      const value = observationValue(resource);
      return `${conceptText(resource['code'])}${value ? ` ${value}` : ''}`;
    }
    default:
      return conceptText(resource['code']);
  }
}

/** An Observation's value, a blood pressure's as systolic/diastolic. */
export function observationValue(observation: Json): string {
  const components = (observation['component'] as Json[] | undefined) ?? [];
  if (components.length > 0) {
    const quantities = components.map((c) => c['valueQuantity'] as { value?: unknown; unit?: unknown } | undefined);
    const unit = quantities.find((q) => typeof q?.unit === 'string')?.unit;
    return `${quantities.map((q) => String(q?.value ?? '?')).join('/')}${typeof unit === 'string' ? ` ${unit}` : ''}`;
  }
  if (observation['valueQuantity']) return quantityText(observation['valueQuantity']);
  if (typeof observation['valueString'] === 'string') return observation['valueString'];
  if (observation['valueCodeableConcept']) return conceptText(observation['valueCodeableConcept']);
  return '';
}

/** The product a medication statement or request names, through its Medication. */
export function medicationName(request: Json, record: CareRecord): string {
  const medication = record.resource(referencesOf(request['medicationReference'])[0]);
  return conceptText(medication?.['code'] ?? request['medicationCodeableConcept']);
}
