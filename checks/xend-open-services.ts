/**
 * xend-open-services: xend's network servers open to other hosts without
 * authentication, as xend-config.sxp sets them up.
 *
 * - Relocation server (`xend-relocation-server yes`, port 8002): it takes a
 *   whole guest from whoever connects — the relocation protocol has no
 *   authentication (only the separate `xend-relocation-ssl-server` has TLS).
 *   Open when `xend-relocation-hosts-allow` is empty or absent ("If this is
 *   empty (the default), then all connections are allowed";
 *   xend_relocation_hosts_allow_default = '') and it listens beyond loopback
 *   (`xend-relocation-address` '' or absent means every interface).
 * - HTTP server (`xend-http-server yes`, port 8000) on `xend-address` ('' =
 *   every interface): xend's full control API, no authentication.
 * - TCP XML-RPC server (`xend-tcp-xmlrpc-server yes`) on a non-loopback
 *   `xend-tcp-xmlrpc-server-address` (default 'localhost').
 *
 * Code defaults: RELEASE-4.4.0:tools/python/xen/xend/XendOptions.py (the same
 * in 3.0.4-branched:tools/python/xen/xend/XendRoot.py): every server off except
 * the Unix XML-RPC socket. The shipped example file turns the relocation
 * server on (3.0.0 and 3.2–4.4) with hosts-allow localhost only.
 *
 * xend exists before 4.5 (9e8672f1c3); on later hosts nothing reads the file
 * (xend-removed says so).
 */
import type { CheckContext, Facts, Finding } from './api.js';
import { defineCheck, placed, satisfiesXen } from './api.js';
import { versionOf } from './lib/guest.js';
import { describeListen, isLoopback } from './lib/address.js';
import { localOnlyPatterns, xendBool, xendConfigOf, xendPlace, xendValue, type XendConfig } from './lib/xend.js';

export const RANGE = '<4.5.0';

function badBool(x: XendConfig, key: string): Finding {
  return placed(xendPlace(x, key), {
    severity: 'warning',
    messageId: 'not-a-bool',
    data: { key, value: xendValue(x, key) ?? '' },
    remediation: `Write (${key} yes) or (${key} no).`,
    evidence: { [key]: xendValue(x, key) ?? '' },
  });
}

function everyInterface(listen: string): boolean {
  const a = listen.trim();
  return a === '' || a === '0.0.0.0' || a === '::';
}

/**
 * The relocation server open beyond the host, or undefined: on, not on
 * loopback, and either admitting every host (hosts-allow empty or unset) or
 * listening on every interface, where hosts-allow is only a check of the name
 * the peer's address resolves to (web/connection.py hostAllowed: socket.getfqdn).
 */
export function openRelocation(x: XendConfig): { listen: string; allow: string; why: 'every-host' | 'every-interface' } | undefined {
  if (xendBool(x, 'xend-relocation-server', false) !== true) return undefined;
  const listen = xendValue(x, 'xend-relocation-address') ?? '';
  if (isLoopback(listen)) return undefined;
  const allow = xendValue(x, 'xend-relocation-hosts-allow') ?? '';
  if (allow.trim() === '') return { listen, allow, why: 'every-host' };
  return everyInterface(listen) ? { listen, allow, why: 'every-interface' } : undefined;
}

function relocation(x: XendConfig): Finding | undefined {
  const open = openRelocation(x);
  if (!open) return undefined;
  const port = xendValue(x, 'xend-relocation-port') ?? '8002';
  const allowSet = x.values['xend-relocation-hosts-allow'] !== undefined;
  return placed(xendPlace(x, 'xend-relocation-server'), {
    messageId: open.why === 'every-host' ? 'relocation-every-host' : 'relocation-by-reverse-dns',
    data: { listen: describeListen(open.listen), port, allow: open.allow, hostsAllow: allowSet ? "xend-relocation-hosts-allow ''" : 'no xend-relocation-hosts-allow' },
    remediation:
      "Turn it off ((xend-relocation-server no)) where guests are not migrated; otherwise set (xend-relocation-hosts-allow '^peer1\\\\.example\\\\.com$ ^peer2\\\\.example\\\\.com$') " +
      'and (xend-relocation-address) to the migration network, or use the SSL relocation server.',
    evidence: {
      'xend-relocation-server': 'yes',
      'xend-relocation-address': open.listen === '' ? '(every interface)' : open.listen,
      'xend-relocation-hosts-allow': allowSet ? `'${open.allow}'` : '(unset: every host)',
      port,
    },
  });
}

function httpServer(x: XendConfig): Finding | undefined {
  if (xendBool(x, 'xend-http-server', false) !== true) return undefined;
  const listen = xendValue(x, 'xend-address') ?? '';
  if (isLoopback(listen)) return undefined;
  const port = xendValue(x, 'xend-port') ?? '8000';
  return placed(xendPlace(x, 'xend-http-server'), {
    messageId: 'http-server-open',
    data: { listen: describeListen(listen), port },
    remediation: "Turn it off ((xend-http-server no)); xm uses the Unix socket. If something needs it, set (xend-address localhost).",
    evidence: { 'xend-http-server': 'yes', 'xend-address': listen === '' ? '(every interface)' : listen, port },
  });
}

function xmlrpcServer(x: XendConfig): Finding | undefined {
  if (xendBool(x, 'xend-tcp-xmlrpc-server', false) !== true) return undefined;
  const listen = xendValue(x, 'xend-tcp-xmlrpc-server-address');
  if (listen === undefined || isLoopback(listen)) return undefined; // default 'localhost'
  const port = xendValue(x, 'xend-tcp-xmlrpc-server-port') ?? '8006';
  return placed(xendPlace(x, 'xend-tcp-xmlrpc-server-address'), {
    messageId: 'xmlrpc-server-open',
    data: { listen: describeListen(listen), port },
    remediation: 'Set (xend-tcp-xmlrpc-server-address localhost) and tunnel to it, or turn it off ((xend-tcp-xmlrpc-server no)).',
    evidence: { 'xend-tcp-xmlrpc-server': 'yes', 'xend-tcp-xmlrpc-server-address': listen === '' ? '(every interface)' : listen, port },
  });
}

function run(facts: Facts, _ctx: CheckContext): Finding[] | { skip: string } {
  const x = xendConfigOf(facts);
  if (!x) return { skip: 'xend-config.sxp was not read (run on the host, or --root on a capture holding /etc/xen/xend-config.sxp)' };
  const out: Finding[] = [];
  for (const key of ['xend-relocation-server', 'xend-http-server', 'xend-tcp-xmlrpc-server']) {
    if (xendBool(x, key, false) === undefined) out.push(badBool(x, key));
  }
  for (const f of [relocation(x), httpServer(x), xmlrpcServer(x)]) if (f) out.push(f);
  return out;
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const x = xendConfigOf(facts);
  if (!x) return ['xend-config.sxp not read.'];
  const v = versionOf(facts, ctx);
  const lines = [`${x.file}${v !== undefined && !satisfiesXen(v, RANGE) ? ' (not read by anything on this Xen)' : ''}`];
  for (const key of ['xend-relocation-server', 'xend-relocation-address', 'xend-relocation-hosts-allow', 'xend-http-server', 'xend-address', 'xend-tcp-xmlrpc-server', 'xend-tcp-xmlrpc-server-address']) {
    lines.push(`  ${key}: ${x.values[key] !== undefined ? `'${xendValue(x, key)}'` : '(unset: code default)'}`);
  }
  const allow = xendValue(x, 'xend-relocation-hosts-allow');
  if (allow !== undefined && allow !== '') lines.push(`  hosts-allow admits ${localOnlyPatterns(allow) ? 'only the local host' : 'the hosts its patterns match'}`);
  return lines;
}

const check = defineCheck({
  id: 'xend-open-services',
  title: "xend's relocation, HTTP or XML-RPC server open to the network without authentication",
  severity: 'error',
  needs: ['dom0'],
  xen: RANGE,
  messages: {
    'not-a-bool': 'xend-config.sxp: {{key}} is \'{{value}}\', which xend does not take as yes or no: xend stops at start with "invalid xend config {{key}}: expected bool"',
    'relocation-every-host':
      "xend's relocation server is on and listens on {{listen}}, port {{port}}, with {{hostsAllow}}, which allows every host: " +
      'anyone let through can migrate a guest of their making onto this host (the protocol has no authentication)',
    'relocation-by-reverse-dns':
      "xend's relocation server is on and listens on {{listen}}, port {{port}}, and admits peers only by the name their address resolves to " +
      "(xend-relocation-hosts-allow '{{allow}}' is matched against reverse DNS, which whoever runs that address's DNS chooses): " +
      'anyone let through can migrate a guest of their making onto this host (the protocol has no authentication)',
    'http-server-open':
      "xend's HTTP server is on and listens on {{listen}}, port {{port}}: it is xend's whole control interface (create, destroy, migrate guests) with no authentication",
    'xmlrpc-server-open': "xend's TCP XML-RPC server is on and listens on {{listen}}, port {{port}}: xend's control interface, reachable from the network",
  },
  sources: [
    'RELEASE-4.4.0:tools/python/xen/xend/XendOptions.py — defaults: relocation server no, address \'\', hosts-allow \'\' (every host); HTTP server no, xend-address \'\'; TCP XML-RPC no, address localhost; get_config_bool',
    '3.0.4-branched:tools/python/xen/xend/XendRoot.py — the same defaults in the 3.0 series',
    'RELEASE-4.4.0:tools/examples/xend-config.sxp, 3.2.0-rc6:tools/examples/xend-config.sxp, RELEASE-3.0.0:tools/examples/xend-config.sxp — shipped settings; "If this is empty (the default), then all connections are allowed"',
    'RELEASE-4.4.0:tools/python/xen/xend/server/SrvServer.py, RELEASE-4.4.0:tools/python/xen/xend/server/relocate.py — the servers and their addresses',
    'RELEASE-4.4.0:tools/python/xen/web/connection.py — hostAllowed(): hosts-allow patterns matched against socket.getfqdn(peer) or the address',
    'commit 9e8672f1c3 — xend removed (first in 4.5)',
  ],
  hostOnly: run,
  explain,
});

export default check;
