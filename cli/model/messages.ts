/**
 * Message ids: a check declares its kinds of problem once (`messages`, ESLint's
 * convention: id -> template with `{{name}}` placeholders) and a finding names
 * one (`messageId`) with the values (`data`). The text is rendered here, so the
 * finding's identity is the id, never the wording.
 */
import type { Check, Finding } from './contract.js';

/** kebab-case, like check ids: shown as `<check>/<message-id>`, written so in suppressions. */
export const MESSAGE_ID = /^[a-z0-9][a-z0-9-]*$/;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholder names of a template, in order of first use. */
export function placeholders(template: string): string[] {
  return [...compiled(template).names];
}

/**
 * A template cut once at its placeholders: `texts[i]`, then the value of
 * `slots[i]`, ..., then the last text. A check has a handful of templates and
 * reports thousands of findings; this spares each finding a regex pass and the
 * arrays and Set of `placeholders`.
 */
interface Compiled {
  names: readonly string[];
  texts: readonly string[];
  slots: readonly string[];
}

const COMPILED = new Map<string, Compiled>();

function compiled(template: string): Compiled {
  let c = COMPILED.get(template);
  if (c === undefined) {
    const texts: string[] = [];
    const slots: string[] = [];
    let from = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      texts.push(template.slice(from, m.index));
      slots.push(m[1]!);
      from = m.index + m[0].length;
    }
    texts.push(template.slice(from));
    c = { names: [...new Set(slots)], texts, slots };
    // Templates come from checks and plugins, a bounded set; the bound keeps a pathological caller from growing it.
    if (COMPILED.size < 10_000) COMPILED.set(template, c);
  }
  return c;
}

export type Rendered = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The finding's text: its message template filled from `data`. A finding
 * without a messageId (a check written for the first contract, which returned
 * free text), a messageId the check does not declare, or a placeholder without a
 * value is the check's bug: the engine reports the check as an error with this
 * reason rather than print half a message.
 */
export function renderFinding(check: Pick<Check, 'id' | 'messages'>, f: Finding): Rendered {
  if (typeof f.messageId !== 'string') {
    const freeText = typeof (f as { message?: unknown }).message === 'string';
    return {
      ok: false,
      reason: freeText
        ? `a finding of ${check.id} gives a free-text message and no messageId: free-text findings are no longer accepted; declare the text as a template in the check's messages and report messageId + data`
        : `a finding of ${check.id} has no messageId`,
    };
  }
  const declared = check.messages ?? {};
  const template = Object.hasOwn(declared, f.messageId) ? declared[f.messageId] : undefined;
  if (typeof template !== 'string') {
    const known = Object.keys(declared);
    return {
      ok: false,
      reason: `a finding of ${check.id} has messageId "${f.messageId}", which the check does not declare in its messages (${known.length > 0 ? `declared: ${known.join(', ')}` : 'it declares none'})`,
    };
  }
  const data = f.data ?? {};
  const c = compiled(template);
  if (!c.names.every((name) => Object.hasOwn(data, name))) {
    const missing = c.names.filter((name) => !Object.hasOwn(data, name));
    return { ok: false, reason: `a finding of ${check.id}/${f.messageId} gives no data for ${missing.map((m) => `{{${m}}}`).join(', ')}` };
  }
  let text = c.texts[0]!;
  for (let i = 0; i < c.slots.length; i++) text += boundedValue(data, String(data[c.slots[i]!])) + c.texts[i + 1]!;
  return { ok: true, text };
}

/** How much of a spec or value quoted from the input a finding keeps (README "Limits"). */
export const QUOTE_LIMIT = 80;

/**
 * The most of any one data or evidence value the engine keeps: room for the
 * sentences checks compose, and a bound on whatever else a value quotes.
 */
export const VALUE_LIMIT = 1000;

/**
 * A value quoted from the input, cut to `limit` characters: a finding about a
 * 50 000-item spec must not carry the spec, or a report grows with the square
 * of its input. The cut never splits a surrogate pair.
 */
export function elide(text: string, limit = QUOTE_LIMIT): string {
  return text.length <= limit ? text : cutOf(text, text.length, limit);
}

/** elide's cut of a text of `length` characters (more than `limit`) that starts with `head` (at least `limit` characters of it). */
function cutOf(head: string, length: number, limit: number): string {
  let keep = limit;
  const last = head.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--;
  return `${head.slice(0, keep)}…(${length - keep} more characters)`;
}

/**
 * elide(text, limit) of a text given piece by piece, made without the text:
 * only its first characters (`limit` of them, and the piece that passes the
 * limit) and its length are kept. memory-fit's arithmetic over the 75 000
 * autostart guests of a 100 000-config lint was two strings of ~1.2 M
 * characters, each cut to 1 000 once reported (issue 14). What it makes is
 * reported through `cutValues`, so that the engine does not cut it again.
 */
export class CutText {
  private head = '';
  private length = 0;

  constructor(private readonly limit = VALUE_LIMIT) {}

  add(piece: string): this {
    if (this.head.length <= this.limit) this.head += piece;
    this.length += piece.length;
    return this;
  }

  /** `count` pieces with `sep` between them, as `Array.from({ length: count }, (_, i) => piece(i)).join(sep)`. */
  join(count: number, piece: (i: number) => string, sep: string): this {
    for (let i = 0; i < count; i++) {
      if (i > 0) this.add(sep);
      this.add(piece(i));
    }
    return this;
  }

  toString(): string {
    return this.length <= this.limit ? this.head : cutOf(this.head, this.length, this.limit);
  }
}

/** Data and evidence records whose strings are cut already (CutText): the engine keeps those as they are. */
const cutAlready = new WeakSet<object>();

/** Marks a finding's `data` or `evidence` record as holding CutText strings, cut as the engine would; returns it. */
export function cutValues<T extends object>(values: T): T {
  cutAlready.add(values);
  return values;
}

/**
 * How much longer than VALUE_LIMIT a string cut by elide can be: its
 * "…(N more characters)". A marked record's string longer than that was not
 * cut by elide, and is cut as any other: the bound holds whatever a check marks.
 */
const CUT_MARK = 40;

/** A data or evidence value (one of `values`) as reported: cut by elide at VALUE_LIMIT, unless its record is marked cut already and it is one. */
export function boundedValue(values: object, text: string): string {
  if (text.length <= VALUE_LIMIT) return text;
  return text.length <= VALUE_LIMIT + CUT_MARK && cutAlready.has(values) ? text : elide(text, VALUE_LIMIT);
}

/** How reports and suppressions name the kind of a finding: `disk-spec/duplicate-vdev`, or the check id alone for a fleet or migrate finding (no id). */
export function findingCode(f: { check: string; messageId?: string | undefined }): string {
  return f.messageId !== undefined ? `${f.check}/${f.messageId}` : f.check;
}
