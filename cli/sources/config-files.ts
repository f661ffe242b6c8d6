/**
 * Which files in a domU config directory (`/etc/xen` by default) are guest
 * configs. xm and xl take any file name, so the filter only leaves out what is
 * known not to be a guest: the toolstacks' own files, Xen's shipped examples,
 * package-manager and editor leftovers, and dotfiles. Subdirectories (`auto/`,
 * `scripts/`, ...) are never descended into. docs/capture.md lists the rules.
 */

/** Toolstack and daemon files that live in /etc/xen. */
const NOT_GUEST_NAMES: ReadonlySet<string> = new Set([
  'xl.conf',
  'xenstored.conf',
  'oxenstored.conf',
  'cpupool',
  'qemu-ifup',
  'xen-config.sxp',
  'xenapiusers',
]);

/** Prefixes of Xen's shipped examples (`xmexample1`, `xmexample.hvm`, `xlexample.pvlinux`) and docs. */
const NOT_GUEST_PREFIXES = ['xmexample', 'xlexample', 'README', 'readme'];

/**
 * Suffixes: S-expression and XML toolstack files (xend-config.sxp,
 * xend-pci-*.sxp, xm-config.xml), scripts, keys, and the leftovers of rpm, dpkg,
 * ucf and editors, which the admin did not mean as a guest.
 */
const NOT_GUEST_SUFFIXES = [
  '.sxp',
  '.xml',
  '.sh',
  '.pem',
  '.key',
  '.crt',
  '~',
  '.bak',
  '.orig',
  '.old',
  '.swp',
  '.tmp',
  '.rej',
  '.rpmnew',
  '.rpmsave',
  '.rpmorig',
  '.dpkg-old',
  '.dpkg-new',
  '.dpkg-dist',
  '.dpkg-bak',
  '.dpkg-tmp',
  '.ucf-old',
  '.ucf-new',
  '.ucf-dist',
];

/** Why a name in a config directory is not taken as a guest config, or undefined when it is one. */
export function notAGuestConfig(name: string): string | undefined {
  if (name.startsWith('.')) return 'dotfile';
  if (name.startsWith('#') && name.endsWith('#')) return 'editor autosave';
  if (NOT_GUEST_NAMES.has(name)) return 'toolstack file';
  if (NOT_GUEST_PREFIXES.some((p) => name.startsWith(p))) return "Xen's example or documentation";
  const lower = name.toLowerCase();
  const suffix = NOT_GUEST_SUFFIXES.find((s) => lower.endsWith(s));
  if (suffix) return `${suffix} file`;
  return undefined;
}

/**
 * The xendomains script starts every file its glob `$XENDOMAINS_AUTO/*` finds,
 * i.e. every name not starting with a dot; backups in /etc/xen/auto start too.
 */
export function isAutostartEntry(name: string): boolean {
  return !name.startsWith('.');
}
