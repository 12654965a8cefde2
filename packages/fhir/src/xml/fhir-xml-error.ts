export const FHIR_NAMESPACE = 'http://hl7.org/fhir';
export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/**
 * XML that cannot be read as FHIR (not well-formed, a DTD, wrong namespace, text where FHIR has
 * none), or JSON that cannot be written as FHIR XML. The message says where and why.
 */
export class FhirXmlError extends Error {
  override readonly name = 'FhirXmlError';
}
