/**
 * Lexical rules of the STU3 primitive datatypes in JSON (https://hl7.org/fhir/STU3/datatypes.html),
 * plus a calendar check the published regular expressions leave out (no 31 February).
 */

const DATE = /^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME =
  /^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;
const INSTANT =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

const STRING_RULES: Record<string, RegExp> = {
  uri: /^\S+$/,
  code: /^[^\s]+( [^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  oid: /^urn:oid:[0-2](\.(0|[1-9]\d*))+$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$/,
};

/**
 * base64 with optional whitespace, checked in linear time: the published expression
 * `(\s*[0-9a-zA-Z+/=]{4}\s*)+` recurses once per group and overflows the stack on a document's
 * megabytes (a Binary's content).
 */
function isBase64(value: string): boolean {
  const text = value.replace(/\s+/g, '');
  return text.length > 0 && text.length % 4 === 0 && /^[0-9a-zA-Z+/]*={0,2}$/.test(text);
}

function realCalendarDay(year: string, month: string | undefined, day: string | undefined): boolean {
  if (!month || !day) return true;
  const y = Number(year);
  const m = Number(month);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Number(day) <= daysInMonth;
}

/** Why a JSON value is not a valid instance of a primitive type, or undefined when it is. */
export function primitiveProblem(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a JSON boolean';
    case 'integer':
      return Number.isInteger(value) && Math.abs(value as number) <= 2147483647 ? undefined : 'must be a whole number';
    case 'unsignedInt':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : 'must be a whole number >= 0';
    case 'positiveInt':
      return Number.isInteger(value) && (value as number) >= 1 ? undefined : 'must be a whole number >= 1';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a JSON number';
  }
  if (typeof value !== 'string') return 'must be a JSON string';
  if (value.length === 0) return 'must not be empty';
  switch (type) {
    case 'date': {
      const m = DATE.exec(value);
      return m && realCalendarDay(m[1]!, m[3], m[5]) ? undefined : 'is not a valid date';
    }
    case 'dateTime': {
      const m = DATE_TIME.exec(value);
      return m && realCalendarDay(m[1]!, m[3], m[5]) ? undefined : 'is not a valid dateTime';
    }
    case 'instant': {
      const m = INSTANT.exec(value);
      return m && realCalendarDay(m[1]!, m[2], m[3]) ? undefined : 'is not a valid instant';
    }
  }
  if (type === 'base64Binary') return isBase64(value) ? undefined : 'is not a valid base64Binary';
  const rule = STRING_RULES[type];
  if (rule && !rule.test(value)) return `is not a valid ${type}`;
  return undefined;
}
