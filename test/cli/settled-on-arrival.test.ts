/**
 * A streaming run reports each guest's findings when the guest arrives
 * (rendered, fingerprinted, matched against its file's suppressions) and keeps
 * only those; `finish` merges them with the host-only and cross-guest ones and
 * caps and applies the baseline (issue 14). The report must be the one the
 * engine made when it settled everything at the end: the oracle here is the
 * same check in its whole-facts form (`run`), which the engine still settles
 * at the end, fed the same guests with the same suppressions, cap and baseline.
 */
import t from 'tap';
import fc from 'fast-check';
import { runWhole, type Check, type Finding, type Skip } from '../../checks/api.js';
import { fingerprint, runChecks, RunSession, type EngineOptions } from '../../cli/engine/engine.js';
import type { CheckOutcome, RunReport } from '../../cli/model/contract.js';
import type { DomainFacts, Suppression } from '../../cli/model/facts.js';
import { domain, facts } from '../helpers/facts.js';

const FILES = ['/etc/xen/a.cfg', '/etc/xen/b.cfg', '/etc/xen/c.cfg'];
/** `short`'s template has a placeholder no finding fills: like an undeclared id, it does not render, for another reason. */
const MESSAGES = { a: '{{guest}}: a {{v}}', b: 'b {{v}}', short: '{{guest}} {{missing}}' };
/** What every check of these tests declares besides its parts. */
const SITE: Pick<Check<string>, 'id' | 'title' | 'severity' | 'needs' | 'sources' | 'messages'> = {
  id: 'site',
  title: 'a site rule',
  severity: 'warning',
  needs: ['domains'],
  sources: [],
  messages: MESSAGES,
};

/** A finding as generated: which file (index into FILES, or the guest's own), line, kind, key and guest. */
interface Spec {
  file: number;
  line: number;
  messageId: 'a' | 'b' | 'undeclared' | 'short';
  key: 'k1' | 'k2';
  severity?: 'error' | 'info';
  /** Name another guest than the one reporting. */
  other: boolean;
}

interface GuestSpec {
  file: number;
  refusedAt?: number;
  skip: boolean;
  findings: Spec[];
  suppressions: Array<{ ids: string[]; scope: 'file' | 'next-line'; line: number }>;
}

interface Scenario {
  guests: GuestSpec[];
  head: Spec[];
  across: { kind: 'list' | 'first-last' | 'skip'; first: Spec[]; last: Spec[] };
  perFile: number;
  /** (guest index, key, message id, count) entries accepted by the baseline. */
  baseline: Array<[number, 'k1' | 'k2', 'a' | 'b', number]>;
  severity?: 'warning' | 'error';
  /** Declares mayStillSkip: true until this many guests have arrived (the engine holds their findings till then). */
  holdUntil?: number;
}

const spec = fc.record<Spec>(
  {
    file: fc.integer({ min: -1, max: FILES.length - 1 }),
    line: fc.integer({ min: 1, max: 4 }),
    messageId: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('a' as const, 'b' as const) }, { weight: 1, arbitrary: fc.constantFrom('undeclared' as const, 'short' as const) }),
    key: fc.constantFrom('k1' as const, 'k2' as const),
    severity: fc.constantFrom('error' as const, 'info' as const),
    other: fc.boolean(),
  },
  { requiredKeys: ['file', 'line', 'messageId', 'key', 'other'] },
);

const suppression = fc.record({
  ids: fc.subarray(['site', 'site/a', 'other-check']),
  scope: fc.constantFrom('file' as const, 'next-line' as const),
  line: fc.integer({ min: 1, max: 4 }),
});

const guestSpec = fc.record<GuestSpec>(
  {
    file: fc.integer({ min: 0, max: FILES.length - 1 }),
    refusedAt: fc.integer({ min: 1, max: 4 }),
    skip: fc.boolean(),
    findings: fc.array(spec, { maxLength: 5 }),
    suppressions: fc.array(suppression, { maxLength: 2 }),
  },
  { requiredKeys: ['file', 'skip', 'findings', 'suppressions'] },
);

const scenario = fc.record<Scenario>(
  {
    guests: fc.array(guestSpec, { minLength: 1, maxLength: 7 }),
    head: fc.array(spec, { maxLength: 2 }),
    across: fc.record({ kind: fc.constantFrom('list' as const, 'first-last' as const, 'skip' as const), first: fc.array(spec, { maxLength: 2 }), last: fc.array(spec, { maxLength: 3 }) }),
    perFile: fc.integer({ min: 1, max: 4 }),
    baseline: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom('k1' as const, 'k2' as const), fc.constantFrom('a' as const, 'b' as const), fc.integer({ min: 1, max: 2 }))),
    severity: fc.constantFrom('warning' as const, 'error' as const),
    holdUntil: fc.integer({ min: 1, max: 8 }),
  },
  { requiredKeys: ['guests', 'head', 'across', 'perFile', 'baseline'] },
);

function finding(s: Spec, guest: string, ownFile: string | undefined, v: string): Finding {
  const f: Finding = { messageId: s.messageId, data: { guest, v }, domain: s.other ? 'elsewhere' : guest, key: s.key, line: s.line, column: 1 };
  const file = s.file < 0 ? ownFile : FILES[s.file];
  if (file !== undefined) f.file = file;
  if (s.severity) f.severity = s.severity;
  return f;
}

function guests(sc: Scenario): DomainFacts[] {
  return sc.guests.map((g, i) => {
    const suppressions: Suppression[] = g.suppressions.map((s) => ({ ids: s.ids, scope: s.scope, line: s.line, column: 1, directiveLine: s.line, directiveColumn: 3 }));
    return domain(`g${i}`, {
      file: FILES[g.file]!,
      suppressions,
      diagnostics: g.refusedAt !== undefined ? [{ severity: 'error', code: 'xl-syntax', message: 'refused', line: g.refusedAt, column: 1 }] : [],
    });
  });
}

/** The scenario's check in parts (version 2), streamed by the engine. */
function partsCheck(sc: Scenario): Check<string> {
  const byName = new Map(sc.guests.map((g, i) => [`g${i}`, g]));
  const cross = (list: Spec[], names: string[], tag: string): Finding[] => list.map((s, i) => finding(s, names[i % Math.max(names.length, 1)] ?? 'none', undefined, `${tag}${i}`));
  return {
    ...SITE,
    hostOnly: () => sc.head.map((s, i) => finding(s, 'host', undefined, `head${i}`)),
    perGuest: (d): Finding[] | Skip => {
      const g = byName.get(d.name)!;
      if (g.skip && g.findings.length === 0) return { skip: `${d.name} is not the rule's business` };
      return g.findings.map((s, i) => finding(s, d.name, d.file, `${d.name}-${i}`));
    },
    summarize: (d) => d.name,
    across: (names) => {
      // A refused guest is judged alone (atRefusal): then there is something to say about it.
      if (sc.across.kind === 'skip') return names.length > 1 ? { skip: 'nothing to compare' } : [];
      if (sc.across.kind === 'list') return cross(sc.across.last, names, 'last');
      return { first: cross(sc.across.first, names, 'first'), last: cross(sc.across.last, names, 'last') };
    },
    ...(sc.holdUntil !== undefined ? { mayStillSkip: (names: string[]) => names.length < sc.holdUntil! } : {}),
  };
}

/** The same check as a version-1 plugin: the engine runs it over every guest at the end and settles it there. */
function wholeCheck(sc: Scenario): Check {
  const parts = partsCheck(sc);
  const { hostOnly: _h, perGuest: _p, summarize: _s, across: _a, mayStillSkip: _m, ...meta } = parts;
  return { ...meta, run: (f, ctx) => runWhole(parts, f, ctx) };
}

function options(sc: Scenario): EngineOptions {
  const baseline = new Map<string, number>();
  for (const [g, key, messageId, n] of sc.baseline) {
    const fp = fingerprint('site', { domain: `g${g}`, key, messageId, message: '' });
    baseline.set(fp, (baseline.get(fp) ?? 0) + n);
  }
  return {
    command: 'lint',
    findingsPerCheckPerFile: sc.perFile,
    ...(baseline.size > 0 ? { baseline } : {}),
    ...(sc.severity ? { settings: new Map([['site', { severity: sc.severity }]]) } : {}),
  };
}

const withoutTimes = (report: RunReport): Array<Omit<CheckOutcome, 'durationMs'>> => report.checks.map(({ durationMs: _d, ...o }) => o);

function both(sc: Scenario): { streamed: RunReport; whole: RunReport } {
  const session = new RunSession([partsCheck(sc)], facts(), options(sc));
  for (const g of guests(sc)) session.addGuest(g);
  return { streamed: session.finish(), whole: runChecks([wholeCheck(sc)], facts({ domains: guests(sc) }), options(sc)) };
}

t.test('settled as guests arrive = settled at the end: findings, order, suppressions, cap, baseline, statuses and reasons', async (t) => {
  let failedToRender = 0;
  let capped = 0;
  let suppressed = 0;
  fc.assert(
    fc.property(scenario, (sc) => {
      const { streamed, whole } = both(sc);
      const [o] = streamed.checks;
      if (o!.status === 'error') failedToRender++;
      if (o!.findings.some((f) => f.messageId === 'more-findings')) capped++;
      if (o!.suppressed > 0) suppressed++;
      t.same(withoutTimes(streamed), withoutTimes(whole));
      return JSON.stringify(withoutTimes(streamed)) === JSON.stringify(withoutTimes(whole));
    }),
    { numRuns: 400 },
  );
  // The property is only worth something if the runs reach each rule.
  t.ok(failedToRender > 0 && capped > 0 && suppressed > 0, `errors ${failedToRender}, capped ${capped}, suppressed ${suppressed}`);
});

t.test('findings held while the check may skip (mayStillSkip) are never rendered when it skips, and reported in order when it does not', async (t) => {
  let read = 0;
  const counted = (name: string): Finding => {
    const data = {} as Record<string, string>;
    Object.defineProperty(data, 'guest', { enumerable: true, get: () => (read++, name) });
    Object.defineProperty(data, 'v', { enumerable: true, get: () => (read++, 'x') });
    return { messageId: 'a', data, domain: name, key: 'k1', line: 1, column: 1 };
  };
  const check = (skips: boolean, hold: boolean): Check<string> => ({
    ...SITE,
    perGuest: (d) => [counted(d.name)],
    summarize: (d) => d.name,
    across: () => (skips ? { skip: 'nothing known' } : []),
    ...(hold ? { mayStillSkip: () => skips } : {}),
  });
  const run = (skips: boolean, hold: boolean): CheckOutcome => {
    const session = new RunSession([check(skips, hold)], facts(), { command: 'lint' });
    for (const name of ['g0', 'g1', 'g2']) session.addGuest(domain(name, { file: `/etc/xen/${name}.cfg` }));
    return session.finish().checks[0]!;
  };
  read = 0;
  t.equal(run(true, false).status, 'skipped');
  t.ok(read > 0, 'without mayStillSkip each finding is rendered on arrival');
  read = 0;
  t.same([run(true, true).status, read], ['skipped', 0], 'held, then dropped unread');
  const held = run(false, true);
  t.same(held.findings.map((f) => f.message), ['g0: a x', 'g1: a x', 'g2: a x'], 'held until the end, then reported in the guests\' order');
});

const plain = (s: Partial<Spec> = {}): Spec => ({ file: -1, line: 2, messageId: 'a', key: 'k1', other: false, ...s });

t.test('a suppression a later guest brings for the same file hides an earlier guest finding, and is not unused', async (t) => {
  const sc: Scenario = {
    guests: [
      { file: 0, skip: false, findings: [plain()], suppressions: [] },
      { file: 0, skip: false, findings: [], suppressions: [{ ids: ['site'], scope: 'next-line', line: 2 }] },
    ],
    head: [],
    across: { kind: 'list', first: [], last: [] },
    perFile: 100,
    baseline: [],
  };
  const { streamed } = both(sc);
  const [o, unused] = streamed.checks;
  t.equal(o!.status, 'pass');
  t.equal(o!.suppressed, 1);
  t.equal(unused!.findings.length, 0, 'the directive is used');
});

t.test('a per-guest finding that does not render: error with its reason, unless a host-only one fails first; its suppressions stay unused', async (t) => {
  const bad = plain({ messageId: 'undeclared' });
  const sc: Scenario = {
    guests: [
      { file: 0, skip: false, findings: [plain()], suppressions: [{ ids: [], scope: 'file', line: 1 }] },
      { file: 1, skip: false, findings: [bad], suppressions: [] },
    ],
    head: [],
    across: { kind: 'list', first: [], last: [plain({ file: 2, messageId: 'undeclared' })] },
    perFile: 100,
    baseline: [],
  };
  const [o, unused] = both(sc).streamed.checks;
  t.equal(o!.status, 'error');
  t.match(o!.reason, /^a finding of site has messageId "undeclared", which the check does not declare/);
  t.equal(o!.findings.length, 0);
  t.equal(unused!.findings.length, 1, 'a check in error hides nothing: its file-wide directive is reported unused');
  const headFails = both({ ...sc, head: [plain({ file: 2, messageId: 'short', line: 4 })] }).streamed.checks[0]!;
  t.same([headFails.status, headFails.reason], ['error', 'a finding of site/short gives no data for {{missing}}'], 'the host-only finding is listed first: its failure is the reason');
  const skipped = both({ ...sc, across: { kind: 'skip', first: [], last: [] } }).streamed.checks[0]!;
  t.same([skipped.status, skipped.reason], ['skipped', 'nothing to compare'], 'a cross-guest skip still skips the check');
});

t.test('cap then baseline over the merged order: cross-guest first, host-only, guests, cross-guest last', async (t) => {
  const sc: Scenario = {
    guests: [{ file: 0, skip: false, findings: [plain({ line: 1 }), plain({ line: 2, key: 'k2' }), plain({ line: 3, messageId: 'b' })], suppressions: [] }],
    head: [plain({ file: 0, line: 4 })],
    across: { kind: 'first-last', first: [plain({ file: 0, line: 1 })], last: [plain({ file: 0, line: 2 })] },
    perFile: 2,
    baseline: [[0, 'k2', 'a', 1]],
  };
  const o = both(sc).streamed.checks[0]!;
  // Kept: the cross-guest `first` and the host-only one (the cap's two); the rest of the file is one summary.
  t.same(
    o.findings.map((f) => [f.messageId, f.data?.['v']]),
    [
      ['a', 'first0'],
      ['a', 'head0'],
      ['more-findings', undefined],
    ],
  );
  t.match(o.findings[2]!.message, /^and 4 more site findings in this file/);
  t.equal(o.suppressed, 0, 'the baseline entry names a finding the cap hid: nothing is accepted');
});

t.test('equal evidence records are one object; any difference — a key, their order, a value, its type — keeps them apart', async (t) => {
  const records: Array<Record<string, string | number | boolean>> = [
    { xen: '4.1.4', toolstack: 'xl' },
    { xen: '4.1.4', toolstack: 'xl' },
    { toolstack: 'xl', xen: '4.1.4' },
    { xen: '4.1.4', toolstack: 'xm' },
    { n: 1 },
    { n: '1' },
    { n: -0 },
    { n: 0 },
  ];
  const check: Check = {
    ...SITE,
    perGuest: (d) => records.map((evidence, i) => ({ messageId: 'b', data: { v: i }, domain: d.name, evidence: { ...evidence } })),
  };
  const session = new RunSession([check], facts(), { command: 'lint' });
  session.addGuest(domain('g0'));
  session.addGuest(domain('g1'));
  const found = session.finish().checks[0]!.findings;
  t.equal(found.length, 2 * records.length);
  t.same(
    found.map((f) => f.evidence),
    [...records, ...records],
    'each as the check gave it, in its key order',
  );
  t.ok(Object.is(found[records.length + 6]!.evidence!['n'], -0), '-0 stays -0');
  const ids = new Map<unknown, number>();
  const which = found.map((f) => ids.get(f.evidence) ?? (ids.set(f.evidence, ids.size), ids.size - 1));
  t.same(which, [0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 1, 2, 3, 4, 5, 6], 'one object per different record, across guests');
});
