/**
 * Plain ANSI SGR codes for the stylish report, and the two things a terminal
 * report needs besides colour: neutralising control characters that come from
 * the inputs (a config value can hold an ESC sequence that would otherwise
 * repaint the user's terminal), and measuring text in terminal cells so that
 * columns line up with CJK text in messages.
 */
import type { Severity } from '../model/diagnostic.js';

export type Paint = (text: string) => string;

export interface Palette {
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
  dim: Paint;
  bold: Paint;
  underline: Paint;
}

/** Each style closes with its own reset code, so styles nest without bleeding. */
function sgr(open: number, close: number): Paint {
  return (text) => (text === '' ? '' : `\u001b[${open}m${text}\u001b[${close}m`);
}

const plain: Paint = (text) => text;

export function palette(on: boolean): Palette {
  if (!on) return { red: plain, yellow: plain, cyan: plain, green: plain, dim: plain, bold: plain, underline: plain };
  return {
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    green: sgr(32, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
    underline: sgr(4, 24),
  };
}

export function severityPaint(p: Palette, severity: Severity): Paint {
  return severity === 'error' ? p.red : severity === 'warning' ? p.yellow : p.cyan;
}

const UNSHOWN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * C0 controls (but tab and newline), DEL and C1 controls shown as `\xNN`, so the
 * text reaches the terminal as text. Newlines are left for the caller to indent.
 */
export function visible(text: string): string {
  // Nearly every text has none of them (\r among them): one search instead of two replaces.
  if (!UNSHOWN.test(text)) return text;
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Terminal cells taken by a string: wide East Asian and emoji count 2, combining marks 0. */
export function displayWidth(text: string): number {
  // Below U+0300 every UTF-16 unit is one character one cell wide: the length, without walking code points.
  let i = 0;
  while (i < text.length && text.charCodeAt(i) < 0x300) i++;
  if (i === text.length) return i;
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
