/**
 * Where a capture keeps what is not a plain file at its host path. The layout is
 * documented in docs/capture.md; the root source reads it and the capture writer
 * writes it, both through these names.
 *
 *   DIR/<host path>                          files as read (configs redacted)
 *   DIR/.xenlint/capture.json                manifest: tool version, time, host name
 *   DIR/.xenlint/commands/<name>/argv        one argument per line
 *   DIR/.xenlint/commands/<name>/stdout      exactly as printed
 *   DIR/.xenlint/commands/<name>/stderr
 *   DIR/.xenlint/commands/<name>/exit-code   decimal; absent = 0
 *   DIR/.xenlint/commands/<name>/status      only when the command did not exit:
 *                                            "skipped: <why>" or "error: <why>"
 *   DIR/.xenlint/sizes.json                  file and block-device sizes
 *   DIR/.xenlint/unreadable.json             evidence the capture could not read, and why
 *   DIR/<dir>/.xenlint-keep                  in directories that would be empty, for git
 */
export const META_DIR = '.xenlint';
export const MANIFEST_FILE = `${META_DIR}/capture.json`;
export const COMMANDS_DIR = `${META_DIR}/commands`;
export const SIZES_FILE = `${META_DIR}/sizes.json`;
export const UNREADABLE_FILE = `${META_DIR}/unreadable.json`;
export const CAPTURE_FORMAT = 1;
/** Marks a directory that would otherwise be empty (git keeps no empty directories); --root never lists it. */
export const KEEP_FILE = '.xenlint-keep';

/** `xl info -n` → `xl-info-n`; `xm list --long` → `xm-list-long`. The argv file disambiguates collisions. */
export function commandDirName(argv: readonly string[]): string {
  const words = argv.map((a) => a.replace(/^-+/, '').replace(/[^A-Za-z0-9._]/g, '_')).filter((w) => w !== '');
  const name = words.join('-');
  return name === '' || name.startsWith('.') ? `cmd${name}` : name;
}

export function argvFileText(argv: readonly string[]): string {
  return argv.map((a) => `${a}\n`).join('');
}

export function parseArgvFile(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface SizeEntry {
  bytes: number;
  via: string;
}

export interface SizesFile {
  /** Regular files: disk images, and files the capture holds only the start of (kernels). */
  files: Record<string, SizeEntry>;
  blockDevices: Record<string, SizeEntry>;
}

export type UnreadableOp = 'read' | 'list' | 'realpath' | 'size' | 'block-size';

export interface UnreadableEntry {
  status: 'missing' | 'denied' | 'error';
  detail: string;
}

/** Per operation, host path → why it could not be read on the captured host. */
export type UnreadableFile = Partial<Record<UnreadableOp, Record<string, UnreadableEntry>>>;

export interface CaptureManifest {
  format: typeof CAPTURE_FORMAT;
  tool: { name: 'xenlint'; version: string };
  capturedAt: string;
  hostname?: string;
  /** What the capture was gathered with, so a read-back uses the same settings. */
  options?: { configDirs?: string[]; autoDir?: string };
  note?: string;
}
