/**
 * A string value read from a config, as a string of its own: V8 makes a slice
 * of 13 characters or more a view into the text it was cut from, so a value
 * kept past the file (in a guest's facts, a cross-guest summary, a finding)
 * would keep the whole file's text alive. The readers build values from slices
 * of the text; this copies one (concatenation, then a slice of the flattened
 * copy) so that it holds only its own characters.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
