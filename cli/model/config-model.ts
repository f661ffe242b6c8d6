/**
 * The shape both domU config readers (xl's libxlu grammar and xm's Python subset)
 * produce. Neither reader executes anything: values are literals with positions,
 * and what would need evaluation is kept as an "unreadable" value with the reason.
 */
import type { Diagnostic, Position } from './diagnostic.js';

export type Dialect = 'xm' | 'xl';

export type ConfigValue =
  | (Position & { kind: 'string'; value: string })
  | (Position & { kind: 'number'; value: number; raw: string })
  | (Position & { kind: 'list'; items: ConfigValue[]; tuple?: boolean })
  | (Position & { kind: 'dict'; entries: Array<{ key: ConfigValue; value: ConfigValue }> })
  | (Position & { kind: 'unreadable'; text: string; reason: string });

export interface ConfigEntry extends Position {
  key: string;
  value: ConfigValue;
  /** `+=` appends to a list (xl 4.13+). */
  op: '=' | '+=';
}

export interface ConfigComment extends Position {
  /** The text after `#`, untrimmed. */
  text: string;
}

export interface ParsedConfig {
  file: string;
  dialect: Dialect;
  /** Why this dialect: "forced", "extension", "python syntax", "xl syntax", ... */
  dialectReason: string;
  /** In file order; a key assigned twice appears twice (the last one wins, as in both toolstacks). */
  entries: ConfigEntry[];
  comments: ConfigComment[];
  diagnostics: Diagnostic[];
  /** The Xen version whose toolstack reads the file, when known (reader-choice.ts): xl's refusals differ by release. */
  xen?: string;
}
