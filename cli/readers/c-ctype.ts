/**
 * C's <ctype.h> tests in the "C" locale, on a char code (NaN past the end of a
 * string is no character): the readers that follow strtol()/strtoul() character
 * by character test codes, not one-character strings against a regex.
 */

/** isspace(): blank, tab, newline, vertical tab, form feed, carriage return. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** isxdigit(). */
export function isHexDigit(c: number): boolean {
  const lower = c | 32;
  return (c >= 48 && c <= 57) || (lower >= 97 && lower <= 102);
}
