/**
 * Message ids in the engine: the text is rendered from the check's declared
 * templates, a finding whose id is not declared (or whose data is short) makes
 * the check an error with a reason, and identity — fingerprints, baselines,
 * suppressions — rests on the id, never on the text or the line.
 */
import t from 'tap';
import fc from 'fast-check';
import type { Check, Finding } from '../../checks/api.js';
import { fingerprint, runChecks } from '../../cli/engine/engine.js';
import { placeholders, renderFinding } from '../../cli/model/messages.js';
import type { Suppression } from '../../cli/model/facts.js';
import { domain, facts } from '../helpers/facts.js';

/** A check (as a plugin might be, so typed loosely: `found` may be what an old plugin returns) declaring `messages`, or none when null. */
function checkReturning(found: unknown[], messages: Record<string, string> | null = { 'too-big': '{{guest}}: {{what}} is too big' }): Check {
  return {
    id: 'site-size',
    title: 'Sizes the site allows',
    severity: 'warning',
    needs: ['domains'],
    sources: ['site policy'],
    ...(messages ? { messages } : {}),
    run: () => found as Finding[],
  } as Check;
}

function runOne(check: Check, over: { baseline?: Map<string, number>; suppressions?: Suppression[] } = {}) {
  const g = domain('g', { file: '/etc/xen/g.cfg', suppressions: over.suppressions ?? [] });
  const report = runChecks([check], facts({ domains: [g] }), { command: 'lint', ...(over.baseline ? { baseline: over.baseline } : {}) });
  return report.checks[0]!;
}

const at = (line: number): Pick<Finding, 'domain' | 'file' | 'line' | 'column' | 'key'> => ({ domain: 'g', file: '/etc/xen/g.cfg', line, column: 1, key: 'memory' });

t.test('the text is rendered from the template and data', async (t) => {
  const o = runOne(checkReturning([{ ...at(3), messageId: 'too-big', data: { guest: 'g', what: 'memory' } }]));
  t.equal(o.status, 'fail');
  t.match(o.findings[0], { check: 'site-size', messageId: 'too-big', message: 'g: memory is too big', data: { guest: 'g', what: 'memory' } });
});

t.test('a messageId the check does not declare: status error with a reason that names it', async (t) => {
  const o = runOne(checkReturning([{ ...at(3), messageId: 'too-small', data: { guest: 'g', what: 'memory' } }]));
  t.equal(o.status, 'error');
  t.equal(o.findings.length, 0, 'no half-rendered finding');
  t.match(o.reason, /messageId "too-small", which the check does not declare in its messages \(declared: too-big\)/);
  const none = runOne(checkReturning([{ ...at(3), messageId: 'too-big' }], null));
  t.equal(none.status, 'error');
  t.match(none.reason, /it declares none/);
  const proto = runOne(checkReturning([{ ...at(3), messageId: 'constructor' }]));
  t.equal(proto.status, 'error', 'an inherited property of the messages object is not a declared message');
});

t.test('a placeholder without data, and a finding with no text at all: status error', async (t) => {
  const short = runOne(checkReturning([{ ...at(3), messageId: 'too-big', data: { guest: 'g' } }]));
  t.equal(short.status, 'error');
  t.match(short.reason, /site-size\/too-big gives no data for \{\{what\}\}/);
  const empty = runOne(checkReturning([{ ...at(3) }]));
  t.equal(empty.status, 'error');
  t.match(empty.reason, /^a finding of site-size has no messageId$/);
});

t.test('a free-text finding (the first contract) is no longer accepted: status error saying what to do, the other checks still run', async (t) => {
  const old = checkReturning([{ ...at(3), message: 'g: memory is too big' }], null);
  const fine = { ...checkReturning([{ ...at(3), messageId: 'too-big', data: { guest: 'g', what: 'memory' } }]), id: 'site-fine' };
  const g = domain('g', { file: '/etc/xen/g.cfg' });
  const [o, other] = runChecks([old, fine], facts({ domains: [g] }), { command: 'lint' }).checks;
  t.equal(o!.status, 'error');
  t.equal(o!.findings.length, 0, 'the text is not reported as if it were a finding');
  t.match(o!.reason, /^a finding of site-size gives a free-text message and no messageId: free-text findings are no longer accepted; declare the text as a template in the check's messages and report messageId \+ data$/);
  t.equal(other!.status, 'fail', 'the next check runs and reports');
});

t.test('the fingerprint: check, message id, guest and key — not the text, the data or the line', async (t) => {
  const a = fingerprint('site-size', { ...at(3), messageId: 'too-big', message: 'g: memory is too big' });
  t.equal(fingerprint('site-size', { ...at(40), messageId: 'too-big', message: 'reworded: 4096 MiB on line 40' }), a);
  t.not(fingerprint('site-size', { ...at(3), messageId: 'too-small', message: 'g: memory is too big' }), a, 'another kind');
  t.not(fingerprint('site-size', { ...at(3), domain: 'h', messageId: 'too-big', message: '' }), a, 'another guest');
  t.not(fingerprint('site-size', { ...at(3), key: 'maxmem', messageId: 'too-big', message: '' }), a, 'another key');
  t.not(fingerprint('other', { ...at(3), messageId: 'too-big', message: '' }), a, 'another check');
  t.not(fingerprint('site-size', { ...at(3), message: 'id:too-big' }), a, 'a free-text message never poses as an id');
});

t.test('a baseline accepts as many findings of a fingerprint as it recorded', async (t) => {
  const two = [1, 2].map((i) => ({ ...at(i), messageId: 'too-big', data: { guest: 'g', what: `disk ${i}` } }));
  const fp = runOne(checkReturning(two)).findings[0]!.fingerprint;
  t.equal(runOne(checkReturning(two), { baseline: new Map([[fp, 2]]) }).status, 'pass');
  const three = [...two, { ...at(9), messageId: 'too-big', data: { guest: 'g', what: 'disk 3' } }];
  const o = runOne(checkReturning(three), { baseline: new Map([[fp, 2]]) });
  t.equal(o.findings.length, 1, 'the third is new');
  t.equal(o.suppressed, 2);
});

t.test('suppressions may name one kind: check/message-id', async (t) => {
  const messages = { 'too-big': '{{guest}}: too big', 'too-odd': '{{guest}}: too odd' };
  const found: Finding[] = [
    { ...at(3), messageId: 'too-big', data: { guest: 'g' } },
    { ...at(3), messageId: 'too-odd', data: { guest: 'g' } },
  ];
  const s: Suppression = { ids: ['site-size/too-big'], scope: 'next-line', line: 3, column: 1, directiveLine: 2, directiveColumn: 1 };
  const o = runOne(checkReturning(found, messages), { suppressions: [s] });
  t.same(o.findings.map((f) => f.messageId), ['too-odd']);
  t.equal(o.suppressed, 1);
});

t.test('property: a template of text and placeholders renders to the text with each value in place, or names what is missing', async (t) => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
  const text = fc.string().filter((s) => !/[{}]/.test(s));
  const part = fc.oneof(text.map((s) => ({ text: s })), name.map((n) => ({ name: n })));
  fc.assert(
    fc.property(fc.array(part, { maxLength: 6 }), fc.dictionary(name, fc.oneof(fc.string(), fc.integer(), fc.boolean())), (parts, data) => {
      const template = parts.map((p) => ('name' in p ? `{{${p.name}}}` : p.text)).join('');
      const r = renderFinding(checkReturning([], { m: template }), { messageId: 'm', data });
      const missing = parts.flatMap((p) => ('name' in p && !Object.hasOwn(data, p.name) ? [p.name] : []));
      if (missing.length > 0) return !r.ok && missing.every((m) => r.reason.includes(`{{${m}}}`));
      const expected = parts.map((p) => ('name' in p ? String(data[p.name]) : p.text)).join('');
      return r.ok && r.text === expected && placeholders(template).length === new Set(missing.length === 0 ? parts.flatMap((p) => ('name' in p ? [p.name] : [])) : []).size;
    }),
  );
});
