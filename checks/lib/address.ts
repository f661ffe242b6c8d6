/**
 * Listen addresses as Xen's toolstacks take them: `vnclisten = "ADDRESS[:DISPLAYNUM]"`,
 * `spicehost`, xend's `vnc-listen` and `xend-relocation-address`. Which of them
 * keep a service on the host itself (loopback), and which open it to the network.
 */

/** Surrounding quotes and blanks off a value as xend-config.sxp or a spec string may carry it. */
export function unquote(v: string): string {
  const t = v.trim();
  return /^(['"]).*\1$/s.test(t) ? t.slice(1, -1).trim() : t;
}

/**
 * The address part of `ADDRESS[:DISPLAYNUM]`: `0.0.0.0:1` → `0.0.0.0`,
 * `[::1]:1` → `::1`. A bare IPv6 address (more than one colon) is kept whole.
 */
export function listenAddress(value: string): string {
  const v = unquote(value);
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(v);
  if (bracketed) return bracketed[1] ?? '';
  const colons = (v.match(/:/g) ?? []).length;
  if (colons === 1) return v.slice(0, v.indexOf(':'));
  return v;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** True for 127.0.0.0/8, ::1 and the usual names of the local host. Empty means every interface: false. */
export function isLoopback(address: string): boolean {
  const a = listenAddress(address).toLowerCase();
  if (a === '') return false;
  if (LOOPBACK_NAMES.has(a)) return true;
  if (/^127(\.\d{1,3}){3}$/.test(a)) return true;
  return a === '::1' || a === '0:0:0:0:0:0:0:1' || a === '::ffff:127.0.0.1';
}

/** How a message names where a service listens: "every interface" for '' / 0.0.0.0 / ::, else the address. */
export function describeListen(address: string): string {
  const a = listenAddress(address);
  if (a === '' || a === '0.0.0.0' || a === '::' || a === '*') return `every interface${a === '' ? '' : ` (${a})`}`;
  return a;
}
