/**
 * `JSON.stringify(value, null, 2)` in pieces, so that a report of 100 000
 * guests is written as it is made instead of held as one string of tens of
 * megabytes (issue 14). The text is the same byte for byte: the outer levels
 * are written member by member, with the indentation JSON.stringify gives
 * them; anything deeper, or any small array, is one JSON.stringify re-indented.
 */

/** An array whose elements are made only as they are written (a report's findings). */
export class LazyArray<T> {
  constructor(
    readonly length: number,
    readonly at: (i: number) => T,
  ) {}
}

/** Levels written member by member (the report, its checks, a check): deeper values are stringified whole. */
const OPEN_LEVELS = 3;
/** An array at least this long is written element by element at any level. */
const LONG_ARRAY = 64;
/** Pieces are joined into strings of about this many characters before they are handed on (as report/shared.ts BATCH, whose comment says why 32 Ki). */
const BATCH = 1 << 15;

/** The text of `JSON.stringify(value, null, 2)`, in batches of about BATCH characters. */
export function* jsonPieces(value: unknown): Generator<string> {
  let batch = '';
  for (const piece of pieces(value, '', 0)) {
    batch += piece;
    if (batch.length >= BATCH) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

function* pieces(value: unknown, indent: string, level: number): Generator<string> {
  if (value instanceof LazyArray) {
    yield* arrayPieces(value.length, (i) => value.at(i), indent, level);
    return;
  }
  if (Array.isArray(value) && (level < OPEN_LEVELS || value.length >= LONG_ARRAY)) {
    yield* arrayPieces(value.length, (i) => value[i] as unknown, indent, level);
    return;
  }
  if (level < OPEN_LEVELS && isPlainObject(value)) {
    const inner = `${indent}  `;
    let first = true;
    for (const [key, member] of Object.entries(value)) {
      // JSON.stringify leaves out what it cannot write as a member.
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      first = false;
      yield* pieces(member, inner, level + 1);
    }
    yield first ? '{}' : `\n${indent}}`;
    return;
  }
  yield whole(value, indent);
}

function* arrayPieces(length: number, at: (i: number) => unknown, indent: string, level: number): Generator<string> {
  if (length === 0) {
    yield '[]';
    return;
  }
  const inner = `${indent}  `;
  for (let i = 0; i < length; i++) {
    yield `${i === 0 ? '[' : ','}\n${inner}`;
    const element = at(i);
    // In an array, JSON.stringify writes what it cannot write as null.
    if (element === undefined || typeof element === 'function' || typeof element === 'symbol') yield 'null';
    else yield* pieces(element, inner, level + 1);
  }
  yield `\n${indent}]`;
}

/** One value stringified at the given indentation: a newline in the output is always layout (strings escape theirs). */
function whole(value: unknown, indent: string): string {
  const text = JSON.stringify(value, null, 2);
  return indent === '' || !text.includes('\n') ? text : text.replaceAll('\n', `\n${indent}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
