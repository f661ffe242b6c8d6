/**
 * console-exposed: a guest's graphical console (VNC or SPICE) reachable from
 * beyond the host with no password — whoever reaches the port has the
 * guest's keyboard and screen.
 *
 * xl (RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in): VNC is on by default for HVM
 * guests and in a vfb; `vnclisten` defaults to 127.0.0.1
 * (RELEASE-4.17.0:tools/libs/light/libxl_create.c, libxl_dm.c); an empty or
 * absent `vncpasswd` means no authentication. SPICE (read from 4.2) listens
 * on every interface without `spicehost`; with `spicedisable_ticketing = 1`
 * it asks for no password (with ticketing on, libxl refuses to start without one).
 *
 * xm (xend): a guest's own `vnclisten` / `vncpasswd` win; otherwise xend-config.sxp's
 * `vnc-listen` / `vncpasswd`, otherwise xend's code defaults: listen on
 * 127.0.0.1, no password (XendRoot.py at 3.0.4, XendOptions.py at 4.4; image.py).
 * xend 3.0.4 refuses to start an HVM guest with VNC when no password is set
 * anywhere. A host whose xend-config.sxp opens every guest's VNC is one
 * finding at that file; a guest is reported on its own when its own settings
 * take part.
 */
import type { AcrossResult, CheckContext, DomainFacts, Finding, GuestResult, HostSide } from './api.js';
import { defineCheck, satisfiesXen } from './api.js';
import { keptIf } from './lib/fold.js';
import { booleanOf, keyBoolean, keyPlace, keyText, listNames, placed, specPairs, versionOf } from './lib/guest.js';
import { readerOf, type Reader } from './lib/toolstack.js';
import { describeListen, isLoopback, listenAddress } from './lib/address.js';
import { xendConfigOf, xendPlace, xendValue, type XendConfig } from './lib/xend.js';

/** xl and xend both listen on 127.0.0.1 unless told otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1';
/** xl parses the SPICE keys from 4.2 (RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c). */
export const SPICE_RANGE = '>=4.2.0';
/** xend's code default vnc-listen (127.0.0.1) is confirmed from 3.0.4 (XendRoot.py). */
const XEND_LISTEN_DEFAULT_RANGE = '>=3.0.4';
/** xend 3.0.4 refuses an HVM VNC console with no password anywhere (image.py). */
const XEND_REFUSES_NO_PASSWORD = '>=3.0.4 <3.1.0';
/** xend (and so xend-config.sxp) was removed in 4.5 (9e8672f1c3). */
const XEND_GONE = '>=4.5.0';

interface Vnc {
  listen: string;
  listenFrom: string;
  /** The password in force: undefined = none set anywhere. */
  password: string | undefined;
  passwordFrom: string;
  /** True when the guest's own keys decide the listen address or the password. */
  own: boolean;
}

function exposed(v: Vnc): boolean {
  return !isLoopback(v.listen) && (v.password === undefined || v.password === '');
}

function passwordWords(v: Vnc): string {
  return v.password === undefined ? 'no password is set' : `the password is empty (${v.passwordFrom})`;
}

/** VNC of the guest itself, or of one of its vfb devices (`vfb` the spec). */
function vncFinding(r: Reader, key: string, vfb: string | undefined, v: Vnc): Finding {
  return placed(keyPlace(r.d, key), {
    messageId: vfb === undefined ? 'vnc-open' : 'vfb-vnc-open',
    data: { guest: r.d.name, listen: describeListen(v.listen), from: v.listenFrom, password: passwordWords(v), ...(vfb !== undefined ? { vfb } : {}) },
    remediation:
      'Listen on 127.0.0.1 (the default) and reach the console through an SSH tunnel, or set a vncpasswd and firewall the VNC ports (5900+).',
    evidence: {
      listen: v.listen === '' ? '(every interface)' : v.listen,
      listen_from: v.listenFrom,
      password: v.password === undefined ? 'none' : v.password === '' ? 'empty' : 'set',
      password_from: v.passwordFrom,
      toolstack: r.choice.toolstack,
    },
  });
}

// ---------------------------------------------------------------------------
// xl

function xlHvmVnc(d: DomainFacts): Vnc | undefined {
  if (keyBoolean(d, 'vnc') === false || keyBoolean(d, 'nographic') === true) return undefined;
  const listen = keyText(d, 'vnclisten');
  const password = keyText(d, 'vncpasswd');
  return {
    listen: listen ?? DEFAULT_LISTEN,
    listenFrom: listen !== undefined ? 'vnclisten' : "xl's default",
    password,
    passwordFrom: 'vncpasswd',
    own: true,
  };
}

function vfbSpecs(d: DomainFacts): string[] {
  const v = d.keys['vfb']?.value;
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A vfb spec's own VNC settings, or undefined when its VNC is off: xl turns it on unless vnc=0; xm only with type=vnc or vnc=1. */
function vfbOwn(spec: string, xl: boolean): Partial<Vnc> | undefined {
  const p = specPairs(spec);
  const on = xl ? booleanOf(p['vnc']) !== false : booleanOf(p['vnc']) === true || p['type'] === 'vnc';
  if (!on) return undefined;
  const own: Partial<Vnc> = {};
  if (p['vnclisten'] !== undefined) Object.assign(own, { listen: p['vnclisten'], listenFrom: 'vnclisten in the vfb' });
  if (p['vncpasswd'] !== undefined) Object.assign(own, { password: p['vncpasswd'], passwordFrom: 'vncpasswd in the vfb' });
  return own;
}

function spiceFinding(r: Reader): Finding | undefined {
  const d = r.d;
  if (d.type !== 'hvm' || keyBoolean(d, 'spice') !== true) return undefined;
  if (r.version !== undefined && !satisfiesXen(r.version, SPICE_RANGE)) return undefined;
  const host = keyText(d, 'spicehost');
  if (host !== undefined && isLoopback(host)) return undefined;
  if (keyBoolean(d, 'spicedisable_ticketing') !== true) return undefined;
  const where = host === undefined || host.trim() === '' ? 'every interface (no spicehost)' : describeListen(host);
  return placed(keyPlace(d, 'spicedisable_ticketing'), {
    messageId: 'spice-no-ticketing',
    data: { guest: d.name, listen: where },
    remediation: 'Set spicehost = "127.0.0.1" and tunnel over SSH, or drop spicedisable_ticketing and set spicepasswd.',
    evidence: { spicehost: host ?? '(unset: any interface)', spicedisable_ticketing: 1, toolstack: r.choice.toolstack },
  });
}

function forXl(r: Reader): Finding[] {
  const d = r.d;
  const out: Finding[] = [];
  if (d.type === 'hvm') {
    const v = xlHvmVnc(d);
    if (v && exposed(v)) out.push(vncFinding(r, d.keys['vnclisten'] ? 'vnclisten' : 'vnc', undefined, v));
    const s = spiceFinding(r);
    if (s) out.push(s);
  }
  for (const spec of vfbSpecs(d)) {
    const own = vfbOwn(spec, true);
    if (!own) continue;
    const v: Vnc = {
      listen: own.listen ?? DEFAULT_LISTEN,
      listenFrom: own.listenFrom ?? "xl's default",
      password: own.password,
      passwordFrom: own.passwordFrom ?? 'vncpasswd in the vfb',
      own: true,
    };
    if (exposed(v)) out.push(vncFinding(r, 'vfb', spec, v));
  }
  return out;
}

// ---------------------------------------------------------------------------
// xm (xend)

interface XendVnc {
  listen: string | undefined;
  listenFrom: string;
  password: string | undefined;
  passwordFrom: string;
}

function xendVncDefaults(x: XendConfig | undefined, version: string | undefined): XendVnc {
  const listen = x ? xendValue(x, 'vnc-listen') : undefined;
  const password = x ? xendValue(x, 'vncpasswd') : undefined;
  const codeDefault = version === undefined || satisfiesXen(version, XEND_LISTEN_DEFAULT_RANGE);
  return {
    listen: listen ?? (codeDefault ? DEFAULT_LISTEN : undefined),
    listenFrom: listen !== undefined ? "xend-config.sxp's vnc-listen" : "xend's default",
    password,
    passwordFrom: password !== undefined ? "xend-config.sxp's vncpasswd" : "xend's default (none)",
  };
}

function forXm(r: Reader, xend: XendVnc): Finding[] {
  const d = r.d;
  const out: Finding[] = [];
  const combine = (own: Partial<Vnc>): Vnc | undefined => {
    const listen = own.listen ?? xend.listen;
    if (listen === undefined) return undefined; // before 3.0.4 xend's default is unconfirmed
    return {
      listen,
      listenFrom: own.listenFrom ?? xend.listenFrom,
      password: own.passwordFrom !== undefined ? own.password : xend.password,
      passwordFrom: own.passwordFrom ?? xend.passwordFrom,
      own: own.listenFrom !== undefined || own.passwordFrom !== undefined,
    };
  };
  if (d.type === 'hvm' && keyBoolean(d, 'vnc') === true) {
    const own: Partial<Vnc> = {};
    const listen = keyText(d, 'vnclisten');
    const password = keyText(d, 'vncpasswd');
    if (listen !== undefined) Object.assign(own, { listen, listenFrom: 'vnclisten' });
    if (password !== undefined) Object.assign(own, { password, passwordFrom: 'vncpasswd' });
    const v = combine(own);
    const refused = v?.password === undefined && r.version !== undefined && satisfiesXen(r.version, XEND_REFUSES_NO_PASSWORD);
    if (v && v.own && exposed(v) && !refused) {
      out.push(vncFinding(r, listen !== undefined ? 'vnclisten' : password !== undefined ? 'vncpasswd' : 'vnc', undefined, v));
    }
  }
  for (const spec of vfbSpecs(d)) {
    const own = vfbOwn(spec, false);
    const v = own ? combine(own) : undefined;
    if (v && v.own && exposed(v)) out.push(vncFinding(r, 'vfb', spec, v));
  }
  return out;
}

/** Guests whose VNC takes both its listen address and its password from xend. */
function inheritsXend(d: DomainFacts): boolean {
  if (d.type === 'hvm' && keyBoolean(d, 'vnc') === true && keyText(d, 'vnclisten') === undefined && keyText(d, 'vncpasswd') === undefined) return true;
  return vfbSpecs(d).some((spec) => {
    const own = vfbOwn(spec, false);
    return own !== undefined && own.listenFrom === undefined && own.passwordFrom === undefined;
  });
}

/** xend-config.sxp itself opening VNC to the network, for every guest that does not say otherwise. */
function xendFinding(facts: HostSide, guests: string[], version: string | undefined): Finding | undefined {
  const x = xendConfigOf(facts);
  if (!x || facts.host?.toolstack === 'xl' || (version !== undefined && satisfiesXen(version, XEND_GONE))) return undefined;
  const listen = xendValue(x, 'vnc-listen');
  if (listen === undefined || isLoopback(listen)) return undefined;
  const password = xendValue(x, 'vncpasswd');
  if (password !== undefined && password !== '') return undefined;
  return placed(xendPlace(x, 'vnc-listen'), {
    messageId: 'xend-vnc-open',
    data: {
      address: listenAddress(listen),
      password: password === undefined ? 'no vncpasswd' : "vncpasswd ''",
      listen: describeListen(listen),
      here: guests.length > 0 ? ` (here: ${listNames(guests)})` : '',
    },
    remediation: "Set (vnc-listen '127.0.0.1') and reach consoles through an SSH tunnel, or set (vncpasswd '<password>') and firewall the VNC ports (5900+).",
    evidence: { 'vnc-listen': listen, vncpasswd: password === undefined ? 'unset' : 'empty', guests: guests.join(' ') },
  });
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): GuestResult<string> {
  const r = readerOf(d, facts, ctx);
  if (r.choice.toolstack === 'xl') return { findings: forXl(r), summary: undefined };
  const xend = xendVncDefaults(xendConfigOf(facts), versionOf(facts, ctx));
  // An xm guest that takes its VNC settings from xend: named by the xend-wide finding.
  return { findings: forXm(r, xend), summary: inheritsXend(d) ? d.name : undefined };
}

/** xend's own VNC setting, open to the network: one finding about the host, listed first, naming the xm guests it applies to. */
function across(inheriting: string[], facts: HostSide, ctx: CheckContext): AcrossResult {
  const host = xendFinding(facts, inheriting, versionOf(facts, ctx));
  return { first: host ? [host] : [], last: [] };
}

const check = defineCheck({
  id: 'console-exposed',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['vnc', 'vnclisten', 'vncpasswd', 'vfb', 'spicedisable_ticketing'],
  title: 'VNC or SPICE consoles reachable beyond loopback with no password',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'vnc-open': "{{guest}}: VNC listens on {{listen}} ({{from}}) and {{password}}: anyone who reaches the port has the guest's console",
    'vfb-vnc-open': '{{guest}}: the vfb "{{vfb}}" listens on {{listen}} ({{from}}) and {{password}}: anyone who reaches the port has the guest\'s console',
    'spice-no-ticketing':
      "{{guest}}: SPICE listens on {{listen}} with spicedisable_ticketing = 1, so it asks for no password: anyone who reaches the port has the guest's console",
    'xend-vnc-open':
      "xend-config.sxp sets vnc-listen '{{address}}' and {{password}}: every xm guest with VNC and no vnclisten/vncpasswd of its own " +
      'listens on {{listen}} with no password{{here}}',
  },
  sources: [
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in — vnc (default 1), vnclisten, vncpasswd ("empty string … authentication … disabled"), spicehost ("otherwise any interface"), spicedisable_ticketing',
    'RELEASE-4.17.0:tools/libs/light/libxl_create.c, RELEASE-4.17.0:tools/libs/light/libxl_dm.c — vnclisten defaults to 127.0.0.1; SPICE ticketing without a password refused',
    'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c — SPICE keys first parsed',
    '3.0.4-branched:tools/python/xen/xend/XendRoot.py, RELEASE-4.4.0:tools/python/xen/xend/XendOptions.py — xend_vnc_listen_default 127.0.0.1, vncpasswd_default None',
    'RELEASE-4.4.0:tools/python/xen/xend/image.py — guest vnclisten/vncpasswd, else xend-config.sxp; 3.0.4-branched:tools/python/xen/xend/image.py — "vncpasswd is not set up"',
    'RELEASE-4.4.0:tools/examples/xend-config.sxp — vnc-listen, vncpasswd',
  ],
  perGuest,
  // The xend finding names the guests that inherit its settings: kept only when xend's VNC is open.
  fold: keptIf((host, ctx) => xendFinding(host, [], versionOf(host, ctx)) !== undefined),
  across,
});

export default check;
