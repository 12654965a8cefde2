import { AMITRIPTYLINE, ASPIRIN, METFORMIN, SALBUTAMOL, type Product } from '../plan-medications.ts';
import type { Result } from '../plan-investigations.ts';

/**
 * Every clinical code the generator writes, each copied from a public code list in
 * ../../fixtures/codelists (verbatim copies of ../shared/terminology; file named beside each code) or
 * from the specification's examples. Never typed from memory: the tests load those files and check
 * every code the generator emits against them.
 */

export interface Concept {
  system?: string;
  code: string;
  display: string;
}

/** CTV3: the type 2 diabetes code list (user-hjforbes-type-2-diabetes.csv) has no SNOMED CT concept of the disease itself. */
export const CTV3 = 'http://read.info/ctv3';

// Diagnoses (SNOMED CT unless a system is given).
export const TYPE_2_DIABETES: Concept = { system: CTV3, code: 'X40J5', display: 'Type II diabetes mellitus' }; // user-hjforbes-type-2-diabetes.csv
export const ESSENTIAL_HYPERTENSION: Concept = { code: '59621000', display: 'Essential hypertension' }; // nhsd-primary-care-domain-refsets-hyp_cod.csv
export const ASTHMA: Concept = { code: '195967001', display: 'Asthma' }; // primis-covid19-vacc-uptake-ast.csv
export const COPD: Concept = { code: '13645005', display: 'Chronic obstructive lung disease' }; // user-elsie_horne-copd_snomed.csv
export const HEART_FAILURE: Concept = { code: '84114007', display: 'Heart failure' }; // nhsd-primary-care-domain-refsets-hf_cod.csv
export const ISCHAEMIC_HEART_DISEASE: Concept = { code: '414545008', display: 'Ischemic heart disease' }; // nhsd-primary-care-domain-refsets-chd_cod.csv
export const CKD_STAGE_3: Concept = { code: '433144002', display: 'Chronic kidney disease stage 3' }; // user-elsie_horne-ckd_snomed.csv
export const DEPRESSIVE_DISORDER: Concept = { code: '35489007', display: 'Depressive disorder' }; // user-elsie_horne-depression_snomed.csv
export const ACUTE_BRONCHITIS: Concept = { code: '10509002', display: 'Acute bronchitis' }; // opensafely-acute-respiratory-illness-primary-care.csv
export const UPPER_RESPIRATORY_INFECTION: Concept = { code: '54398005', display: 'Acute upper respiratory infection' }; // same list
export const COUGH: Concept = { code: '49727002', display: 'Cough' }; // opensafely-symptoms-cough.csv
export const FEVER: Concept = { code: '386661006', display: 'Fever' }; // opensafely-symptoms-fever.csv

// Reviews, recorded as coded entries.
export const ASTHMA_ANNUAL_REVIEW: Concept = { code: '394700004', display: 'Asthma annual review' }; // opensafely-asthma-annual-review-qof.csv
export const MEDICATION_REVIEW_DONE: Concept = { code: '314530002', display: 'Medication review done' }; // nhsd-primary-care-domain-refsets-medrvw_cod.csv

// dm+d virtual medicinal products (the roster's, plus these from the COPD medicines list).
export const BECLOMETASONE: Product = { code: '42292311000001106', display: 'Beclometasone 100micrograms/dose inhaler', unit: 'inhaler' }; // opensafely-copd-medications-new-dmd.csv
export const TIOTROPIUM: Product = { code: '9479011000001103', display: 'Tiotropium bromide 18microgram inhalation powder capsules with device', unit: 'capsule' }; // same list
export { AMITRIPTYLINE, ASPIRIN, METFORMIN, SALBUTAMOL };

// Laboratory tests: what is requested (and names the test group) and the result's code, with UCUM units.
export interface LaboratoryTest {
  test: Concept;
  result: (value: number) => Result;
}
const result = (concept: Concept, unit: string, low: number, high: number) => (value: number): Result => ({ code: concept.code, display: concept.display, value, unit, low, high });
export const HBA1C: LaboratoryTest = {
  test: { code: '43396009', display: 'Hemoglobin A1c measurement' }, // opensafely-glycated-haemoglobin-hba1c-tests.csv
  result: result({ code: '999791000000106', display: 'Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised' }, 'mmol/mol', 20, 41), // ...-numerical-value.csv
};
export const EGFR: LaboratoryTest = {
  test: { code: '80274001', display: 'Glomerular filtration rate' }, // pincer-egfr.csv
  result: result({ code: '857971000000104', display: 'Estimated glomerular filtration rate using Chronic Kidney Disease Epidemiology Collaboration formula' }, 'mL/min/{1.73_m2}', 90, 120), // pincer-egfr.csv
};
export const CHOLESTEROL: LaboratoryTest = {
  test: { code: '850981000000101', display: 'Cholesterol level' }, // opensafely-cholesterol-tests-numerical-value.csv
  result: result({ code: '1005671000000105', display: 'Serum cholesterol level' }, 'mmol/L', 0, 5), // same list
};
