import { fail, MEDIA_TYPES, type ServiceRoot } from '@gpconnect/fhir';

/** How a FHIR body is written or read: FHIR JSON or FHIR XML (general.md §4). */
export type ResponseFormat = 'json' | 'xml';

type Kind = ResponseFormat | 'any' | 'other';

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
  fail('UNSUPPORTED_MEDIA_TYPE', `${what} ${JSON.stringify(value)} is not a supported format; use ${MEDIA_TYPES.fhirJson} or ${MEDIA_TYPES.fhirXml}`);
}

/** The q-value of a media range (1 when absent). */
function quality(range: string): number {
  const q = /;\s*q\s*=\s*([0-9.]+)/i.exec(range)?.[1];
  return q === undefined ? 1 : Number(q);
}

/**
 * The format an Accept header asks for: the acceptable range with the highest q-value (the first
 * of equals), a wildcard meaning JSON; undefined when it names no format we write.
 */
function acceptedFormat(accept: string): ResponseFormat | undefined {
  const ranges = accept
    .split(',')
    .map((range, index) => ({ kind: kindOf(range), q: quality(range), index }))
    .filter((range) => range.q > 0 && range.kind !== 'other')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const best = ranges[0];
  return best === undefined ? undefined : best.kind === 'xml' ? 'xml' : 'json';
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
    const kind = kindOf(formatParam.trim().replace(/ /g, '+'));
    if (kind === 'json' || kind === 'xml') return kind;
    unsupported('_format', formatParam);
  }
  if (accept !== undefined && accept.trim() !== '') {
    return acceptedFormat(accept) ?? unsupported('Accept', accept);
  }
  if (contentType !== undefined && kindOf(contentType) === 'xml') return 'xml';
  return 'json';
}

/**
 * The format for responses sent before the pipeline negotiates (missing headers, unknown paths):
 * what the consumer asked for when we can write it, JSON otherwise (an unsupported format is only
 * reported once the request has passed the checks that come before negotiation).
 */
export function requestedFormatOrJson(formatParam: string | undefined, accept: string | undefined, contentType: string | undefined): ResponseFormat {
  try {
    return negotiateResponseFormat(formatParam, accept, contentType);
  } catch {
    return 'json';
  }
}

/** How a request body is read, from its Content-Type: FHIR JSON or FHIR XML; anything else is 415. */
export function requestBodyFormat(contentType: string | undefined): ResponseFormat {
  const kind = contentType === undefined ? 'other' : kindOf(contentType);
  if (kind === 'json' || kind === 'xml') return kind;
  unsupported('Content-Type', contentType ?? '');
}

/** The Content-Type of a FHIR response on a service root (DSTU2 names its media types the 0.x way). */
export function responseContentType(serviceRoot: ServiceRoot | undefined, format: ResponseFormat = 'json'): string {
  const dstu2 = serviceRoot === 'html';
  const mediaType = format === 'xml' ? (dstu2 ? MEDIA_TYPES.dstu2Xml : MEDIA_TYPES.fhirXml) : dstu2 ? MEDIA_TYPES.dstu2Json : MEDIA_TYPES.fhirJson;
  return `${mediaType};charset=utf-8`;
}
