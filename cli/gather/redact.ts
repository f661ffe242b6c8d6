/**
 * Takes passwords out of text before it leaves the host: every value of a key
 * whose name contains `passwd` or `password` (vncpasswd, spicepasswd,
 * `(vncpasswd '...')` in xend-config.sxp, `vncpasswd=...` inside a vfb spec
 * string) becomes `REDACTED`.
 *
 * The gatherer applies it to every text it reads and the capture to every text
 * file it writes, so a capture read back with --root yields the same Facts as
 * the live run, and neither a capture nor a facts snapshot carries a password.
 * An empty password stays empty, so "no VNC password" can still be checked.
 *
 * Idempotent: redacting redacted text changes nothing. Only ASCII is matched, so
 * it works the same on UTF-8 text and on raw bytes read as latin1.
 */
export const REDACTED = 'REDACTED';

const KEY = String.raw`[A-Za-z_][\w.-]*?passw(?:or)?d[\w.-]*`;

/** `vncpasswd = 'x'`, `spicepasswd="x"`, `vncpasswd = 1234` at the start of a statement (xm, xl, xl.conf). */
const ASSIGNMENT = new RegExp(
  String.raw`((?:^|;)[ \t]*${KEY}[ \t]*\+?=[ \t]*)(?:'''([\s\S]*?)'''|"""([\s\S]*?)"""|'([^'\n]*)'|"([^"\n]*)"|([^\s#;'"\[][^\s#;]*))`,
  'gim',
);

/** `vncpasswd=x` inside a string or a command line: `vfb = [ 'type=vnc,vncpasswd=x' ]`. */
const IN_STRING = new RegExp(String.raw`([,'"\s\[](?:${KEY})=)([^,'"\s\]]+)`, 'gi');

/** `(vncpasswd 'x')` in S-expressions (xend-config.sxp). */
const SXP = new RegExp(String.raw`(\([ \t]*${KEY}[ \t]+)(?:'([^'\n]*)'|"([^"\n]*)"|([^\s()'"]+))`, 'gi');

export function redactSecrets(text: string): string {
  if (!/passw(or)?d/i.test(text)) return text;
  return text
    .replace(ASSIGNMENT, (whole, lead: string, tripleS?: string, tripleD?: string, single?: string, double?: string, bare?: string) => {
      if (tripleS !== undefined) return tripleS === '' ? whole : `${lead}'''${REDACTED}'''`;
      if (tripleD !== undefined) return tripleD === '' ? whole : `${lead}"""${REDACTED}"""`;
      if (single !== undefined) return single === '' ? whole : `${lead}'${REDACTED}'`;
      if (double !== undefined) return double === '' ? whole : `${lead}"${REDACTED}"`;
      return bare === undefined ? whole : `${lead}"${REDACTED}"`;
    })
    .replace(IN_STRING, (_whole, lead: string) => `${lead}${REDACTED}`)
    .replace(SXP, (whole, lead: string, single?: string, double?: string, bare?: string) => {
      if (single !== undefined) return single === '' ? whole : `${lead}'${REDACTED}'`;
      if (double !== undefined) return double === '' ? whole : `${lead}"${REDACTED}"`;
      return bare === undefined ? whole : `${lead}${REDACTED}`;
    });
}

/** Redacts raw bytes without decoding them as UTF-8, so bytes outside the secrets are kept exactly. */
export function redactBytes(bytes: Uint8Array): Uint8Array {
  const latin1 = Buffer.from(bytes).toString('latin1');
  const redacted = redactSecrets(latin1);
  return redacted === latin1 ? bytes : new Uint8Array(Buffer.from(redacted, 'latin1'));
}
