import { CODE_SYSTEMS, EXTENSIONS } from '@gpconnect/fhir';

/** CareConnect-NHSNumberVerificationStatus-1 code 01: number present and verified. */
export const VERIFIED = '01';

/**
 * The verification-status extension the NHS number identifier carries once the practice has traced
 * the number against PDS (CareConnect-GPC-Patient-1 requires it on that identifier).
 */
export const VERIFIED_NHS_NUMBER_EXTENSION = {
  url: EXTENSIONS.nhsNumberVerificationStatus,
  valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.nhsNumberVerificationStatus, code: VERIFIED, display: 'Number present and verified' }] },
};
