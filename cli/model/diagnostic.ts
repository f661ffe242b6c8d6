/**
 * What every parser returns instead of throwing: a message with a position.
 * Lines and columns are 1-based, as editors and compilers print them.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic extends Position {
  severity: Severity;
  message: string;
  /** Stable machine-readable kind, e.g. "xl-syntax", "not-static", "python-under-xl". */
  code?: string;
  file?: string;
  endLine?: number;
  endColumn?: number;
  /** The line number xl itself prints for this error (for an error at a newline, the line before it). */
  xlLine?: number;
}

export function diag(
  severity: Severity,
  message: string,
  pos: Position,
  code?: string,
  file?: string,
): Diagnostic {
  const d: Diagnostic = { severity, message, line: pos.line, column: pos.column };
  if (code !== undefined) d.code = code;
  // Set here rather than by a spread copy ({ ...diag(…), file }): V8 gives every such copy of an
  // object with members outside it a hidden class of its own (1 385 classes for 10 000 guests).
  if (file !== undefined) d.file = file;
  return d;
}

/** Line and column (1-based) of a character offset in a text. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
