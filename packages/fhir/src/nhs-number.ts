/**
 * NHS number format and Modulus 11 check (spine-services.md §1): ten digits; the first nine are
 * weighted 10..2, the check digit is 11 - (sum mod 11), where 11 becomes 0 and 10 means the number
 * can never be valid.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return nhsNumberCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/** The check digit for nine leading digits, or undefined when no check digit can make them valid. */
export function nhsNumberCheckDigit(firstNineDigits: string): number | undefined {
  if (!/^\d{9}$/.test(firstNineDigits)) throw new RangeError('nine digits expected');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}
