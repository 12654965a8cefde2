import { fail, MEDIA_TYPES, type ServiceRoot } from '@gpconnect/fhir';

/**
 * How a response is written. JSON only for now; XML (application/fhir+xml) arrives with the XML
 * serialiser, behind the same seam (http/send.ts).
 */
export type ResponseFormat = 'json';

type Kind = 'json' | 'xml' | 'any' | 'other';

const KINDS: Record<string, Kind> = {
  [MEDIA_TYPES.fhirJson]: 'json',
  [MEDIA_TYPES.dstu2Json]: 'json',
  'application/json': 'json',
  json: 'json',
  [MEDIA_TYPES.fhirXml]: 'xml',
  [MEDIA_TYPES.dstu2Xml]: 'xml',
  'application/xml': 'xml',
  'text/xml': 'xml',
  xml: 'xml',
  '*/*': 'any',
  'application/*': 'any',
};

function kindOf(mediaRange: string): Kind {
  const type = mediaRange.split(';')[0]!.trim().toLowerCase();
  return KINDS[type] ?? 'other';
}

function unsupported(what: string, value: string): never {
  fail('UNSUPPORTED_MEDIA_TYPE', `${what} ${JSON.stringify(value)} is not a supported format; use ${MEDIA_TYPES.fhirJson}`);
}

/**
 * Picks the response format: `_format` first, then `Accept`, then the request's `Content-Type`,
 * else JSON (general.md §4). A request for a format we cannot write is 415.
 */
export function negotiateResponseFormat(
  formatParam: string | undefined,
  accept: string | undefined,
  contentType: string | undefined,
): ResponseFormat {
  if (formatParam !== undefined) {
    // An unescaped `+` in a query string decodes to a space (`_format=application/fhir+json`);
    // a media type never contains one, so read it back as the `+` the consumer meant.
    if (kindOf(formatParam.trim().replace(/ /g, '+')) === 'json') return 'json';
    unsupported('_format', formatParam);
  }
  if (accept !== undefined && accept.trim() !== '') {
    const ranges = accept.split(',').filter((range) => !/;\s*q=0(\.0*)?\s*(;|$)/.test(range));
    if (ranges.some((range) => kindOf(range) === 'json' || kindOf(range) === 'any')) return 'json';
    unsupported('Accept', accept);
  }
  if (contentType !== undefined && kindOf(contentType) === 'xml') unsupported('Content-Type', contentType);
  return 'json';
}

/** Request bodies must be FHIR JSON (XML comes with the XML parser); anything else is 415. */
export function assertJsonRequestBody(contentType: string | undefined): void {
  if (contentType === undefined || kindOf(contentType) !== 'json') unsupported('Content-Type', contentType ?? '');
}

/** The Content-Type of a FHIR response on a service root. */
export function responseContentType(serviceRoot: ServiceRoot | undefined): string {
  return `${serviceRoot === 'html' ? MEDIA_TYPES.dstu2Json : MEDIA_TYPES.fhirJson};charset=utf-8`;
}
