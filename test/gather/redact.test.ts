import fc from 'fast-check';
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTED, mayCompose, mayRedact, redactBytes, redactDeep, redactDomain, redactReport, redactSecrets } from '../../cli/sources/redact.js';
import { parseConfig } from '../../cli/readers/config.js';
import { buildDomain } from '../../cli/readers/domain.js';
import type { DomainFacts } from '../../cli/model/facts.js';

const cases: Array<[string, string, string]> = [
  ['xm/xl quoted', `vncpasswd = 's3cr3t'\n`, `vncpasswd = '${REDACTED}'\n`],
  ['double quotes, no spaces', `vncpasswd="s3cr3t"\n`, `vncpasswd="${REDACTED}"\n`],
  ['spice', `spicepasswd = "hunter2" # set by ops\n`, `spicepasswd = "${REDACTED}" # set by ops\n`],
  ['bare number', `vncpasswd = 123456\n`, `vncpasswd = "${REDACTED}"\n`],
  ['python triple quotes', `vncpasswd = '''a'b'''\n`, `vncpasswd = '''${REDACTED}'''\n`],
  ['uppercase key', `VNCPASSWD = 'x'\n`, `VNCPASSWD = '${REDACTED}'\n`],
  ['any *password* key', `  admin_password = 'x'\n`, `  admin_password = '${REDACTED}'\n`],
  ['two on a line', `vncpasswd='a'; spicepasswd='b'\n`, `vncpasswd='${REDACTED}'; spicepasswd='${REDACTED}'\n`],
  ['vfb spec string', `vfb = [ 'type=vnc,vnclisten=0.0.0.0,vncpasswd=s3cr3t' ]\n`, `vfb = [ 'type=vnc,vnclisten=0.0.0.0,vncpasswd=${REDACTED}' ]\n`],
  ['vfb first item', `vfb = [ "vncpasswd=s3cr3t,type=vnc" ]\n`, `vfb = [ "vncpasswd=${REDACTED},type=vnc" ]\n`],
  ['command line', `ro quiet vncpasswd=abc console=hvc0\n`, `ro quiet vncpasswd=${REDACTED} console=hvc0\n`],
  ['sxp quoted', `(vncpasswd 'xend-secret')\n`, `(vncpasswd '${REDACTED}')\n`],
  ['sxp bare', `(vncpasswd secret)\n`, `(vncpasswd ${REDACTED})\n`],
  ['sxp nested', `(vfb ((type vnc) (vncpasswd abc)))\n`, `(vfb ((type vnc) (vncpasswd ${REDACTED})))\n`],
];

t.test('passwords are replaced', async (t) => {
  for (const [name, input, expected] of cases) t.equal(redactSecrets(input), expected, name);
});

t.test('what is kept', async (t) => {
  const keep = [
    `vncpasswd = ''\n`,
    `vncpasswd=""\n`,
    `(vncpasswd '')\n`,
    `vfb = [ 'type=vnc,vncpasswd=' ]\n`,
    `vnclisten = "0.0.0.0"\nmemory = 512\n`,
    `# the vncpasswd key sets the VNC password\n`,
    `vncpasswd = [ 'not', 'a', 'string' ]\n`,
  ];
  for (const k of keep) t.equal(redactSecrets(k), k, JSON.stringify(k));
});

t.test('positions outside the secret do not move', async (t) => {
  const input = `name = "web"\nvncpasswd = 'x'\nmemory = 512\n`;
  const out = redactSecrets(input);
  t.same(out.split('\n').map((l, i) => (i === 1 ? '' : l)), input.split('\n').map((l, i) => (i === 1 ? '' : l)), 'other lines are identical');
});

t.test('bytes: only the secret changes, other bytes are kept even when not UTF-8', async (t) => {
  const input = Buffer.concat([Buffer.from('# caf\xe9 \xff\n', 'latin1'), Buffer.from("vncpasswd = 'x'\n")]);
  const out = Buffer.from(redactBytes(new Uint8Array(input)));
  t.same([...out.subarray(0, 9)], [...input.subarray(0, 9)]);
  t.equal(out.subarray(9).toString('latin1'), `vncpasswd = '${REDACTED}'\n`);
  const clean = new Uint8Array(Buffer.from('memory = 512\n'));
  t.equal(redactBytes(clean), clean, 'untouched input is returned as is');
});

t.test('idempotent, and no secret survives (properties)', async (t) => {
  const secret = fc.stringMatching(/^[A-Za-z0-9!@$%^&*_+-]{1,16}$/);
  const R = REDACTED;
  const line = fc.oneof(
    secret.map((s) => [`vncpasswd = '${s}'`, `vncpasswd = '${R}'`]),
    secret.map((s) => [`spicepasswd="${s}"`, `spicepasswd="${R}"`]),
    secret.map((s) => [`vfb = [ 'type=vnc,vncpasswd=${s},vnclisten=0.0.0.0' ]`, `vfb = [ 'type=vnc,vncpasswd=${R},vnclisten=0.0.0.0' ]`]),
    secret.map((s) => [`(vncpasswd '${s}')`, `(vncpasswd '${R}')`]),
    secret.map((s) => [`(vncpasswd ${s})`, `(vncpasswd ${R})`]),
    fc.string().map((s) => s.replace(/passw/gi, '').replace(/\n/g, ' ')).map((s) => [`# ${s}`, `# ${s}`]),
  );
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
      const once = redactSecrets(lines.map((l) => l[0]).join('\n'));
      return once === lines.map((l) => l[1]).join('\n') && redactSecrets(once) === once;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const once = redactSecrets(s);
      return redactSecrets(once) === once;
    }),
    { numRuns: 500 },
  );
});

t.test('every secret-named key, in every form', async (t) => {
  const R = REDACTED;
  const more: Array<[string, string, string]> = [
    ['exactly password', `password = 'x'\n`, `password = '${R}'\n`],
    ['exactly passwd, first in the text', `passwd=abc\nname = "g"\n`, `passwd="${R}"\nname = "g"\n`],
    ['secret', `ceph_secret = "AQBz"\n`, `ceph_secret = "${R}"\n`],
    ['ticket', `spice_ticket = 'x'\n`, `spice_ticket = '${R}'\n`],
    ['password= inside a disk spec', `disk = [ 'vdev=xvda, target=iqn.2001-04.com.example:db, password=p4ss' ]\n`, `disk = [ 'vdev=xvda, target=iqn.2001-04.com.example:db, password=${R}' ]\n`],
    ['password= inside a vif spec', `vif = [ "bridge=xenbr0,password=x,mac=00:16:3e:00:00:01" ]\n`, `vif = [ "bridge=xenbr0,password=${R},mac=00:16:3e:00:00:01" ]\n`],
    ['secret= on a kernel command line', `extra = "console=hvc0 secret=abc ro"\n`, `extra = "console=hvc0 secret=${R} ro"\n`],
    ['+= on a statement', `vncpasswd += 'x'\n`, `vncpasswd += '${R}'\n`],
  ];
  for (const [name, input, expected] of more) t.equal(redactSecrets(input), expected, name);
  const keep = [
    `spicedisable_ticketing = 1\n`,
    `vfb = [ 'vncpasswd=', 'type=vnc' ]\n`,
    `if vncpasswd == 'x': pass\n`,
    `name = "secretary-01"\n`,
    `vncpasswd = [ 'a' ]\n`,
  ];
  for (const k of keep) t.equal(redactSecrets(k), k, `kept: ${JSON.stringify(k)}`);
});

t.test('linear in the input: many keys on one line, many items in one spec', async (t) => {
  // The regular expressions this replaces took 1.3 s for 8 000 repeats and never ended at 100 000.
  const words = 'passwd '.repeat(200_000);
  t.equal(redactSecrets(words), words);
  const items = `vfb = [ '${'vncpasswd=a,'.repeat(100_000)}' ]`;
  const out = redactSecrets(items);
  t.notMatch(out, /vncpasswd=a/);
  t.equal(out.split(REDACTED).length - 1, 100_000);
});

t.test('property: no secret survives in any form, whatever surrounds it', async (t) => {
  const secret = fc.stringMatching(/^[A-Za-z0-9!@$%^&*_+-]{4,16}$/).filter((s) => !/passw|secret|ticket|redacted/i.test(s));
  const key = fc.constantFrom('vncpasswd', 'spicepasswd', 'password', 'passwd', 'admin_password', 'ceph_secret', 'spice_ticket');
  const form = fc.constantFrom(
    (k: string, s: string) => `${k} = '${s}'`,
    (k: string, s: string) => `${k}="${s}"`,
    (k: string, s: string) => `${k} = ${s}`,
    (k: string, s: string) => `disk = [ 'vdev=xvda, ${k}=${s}, target=/dev/vg0/x' ]`,
    (k: string, s: string) => `cmdline = "ro ${k}=${s} quiet"`,
    (k: string, s: string) => `(${k} '${s}')`,
    (k: string, s: string) => `(${k} ${s})`,
    // Python's joined lines: brackets, a backslash, a string continued after one.
    (k: string, s: string) => `${k} = (\n    '${s}'\n)`,
    (k: string, s: string) => `${k} = ('ab'\n  + '${s}')`,
    (k: string, s: string) => `${k} = \\\n  '${s}'`,
    (k: string, s: string) => `${k} = 'ab' \\\r\n  '${s}'`,
    (k: string, s: string) => `${k} = ('a', # note\n  "${s}")`,
  );
  const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\n'"=()]/g, ' '));
  fc.assert(
    fc.property(key, form, secret, filler, (k, f, s, pad) => {
      const text = `# ${pad}\n${f(k, s)}\nmemory = 512\n`;
      // The secret's own text may stand elsewhere too (in the comment, in "quiet", in the marker): only its value must go.
      fc.pre(!`# ${pad}\n${f(k, '\u0001')}\nmemory = 512\n`.includes(s) && !REDACTED.includes(s));
      const out = redactSecrets(text);
      return !out.includes(s) && redactSecrets(out) === out;
    }),
    { numRuns: 500 },
  );
});

t.test('text that quotes a statement, and a string never closed', async (t) => {
  const R = REDACTED;
  t.equal(redactSecrets("near `vncpasswd = 'x1y2'`"), `near \`vncpasswd = '${R}'\``, 'a statement quoted in a message');
  t.equal(redactSecrets('raw line vncpasswd = 918273'), `raw line vncpasswd = ${R}`, 'a bare value after blanks');
  t.equal(redactSecrets("unrecognized argument `password=s3cr3t'"), `unrecognized argument \`password=${R}'`);
  t.equal(redactSecrets('vncpasswd = "never closed\nmemory = 1\n'), `vncpasswd = "${R}\nmemory = 1\n`, 'the rest of the line');
  t.equal(redactSecrets(redactSecrets('vncpasswd = "never closed\n')), `vncpasswd = "${R}\n`, 'idempotent');
});

t.test('redactDeep: by key name, in name/value pairs, and every string by text', async (t) => {
  const R = REDACTED;
  const domain = {
    keys: {
      vncpasswd: { value: 'x', line: 3, column: 1 },
      numeric_secret: { value: 123456, line: 4, column: 1 },
      empty_password: { value: '', line: 5, column: 1 },
      spicedisable_ticketing: { value: 1, line: 6, column: 1 },
      disk: { value: ['vdev=xvda,target=iqn.x:y,password=p'], line: 7, column: 1 },
    },
    vifs: [{ keys: { password: 'v', bridge: 'xenbr0' } }],
    options: [{ name: 'secret', value: 's' }, { name: 'console', value: 'hvc0' }],
    lines: { vncpasswd: 3 },
    typed: new Date(0),
  };
  t.same(redactDeep(domain), {
    keys: {
      vncpasswd: { value: R, line: 3, column: 1 },
      numeric_secret: { value: R, line: 4, column: 1 },
      empty_password: { value: '', line: 5, column: 1 },
      spicedisable_ticketing: { value: 1, line: 6, column: 1 },
      disk: { value: [`vdev=xvda,target=iqn.x:y,password=${R}`], line: 7, column: 1 },
    },
    vifs: [{ keys: { password: R, bridge: 'xenbr0' } }],
    options: [{ name: 'secret', value: R }, { name: 'console', value: 'hvc0' }],
    lines: { vncpasswd: 3 },
    typed: new Date(0),
  });
  t.equal(domain.keys.vncpasswd.value, 'x', 'a copy: the input is not changed');
  const clean = { keys: { memory: { value: 512, line: 1, column: 1 } }, disks: [{ spec: 'phy:/dev/vg0/a,xvda,w' }] };
  t.equal(redactDeep(clean), clean, 'nothing to redact: the very same object, and what rides on it');
  const mixed = redactDeep({ disks: clean.disks, keys: { vncpasswd: { value: 'x' } } });
  t.equal(mixed.disks, clean.disks, 'an untouched part is shared, not copied');
  t.same(redactReport({ evidence: { password: 'none', spec: 'bridge=b,password=x' } }), { evidence: { password: 'none', spec: `bridge=b,password=${R}` } }, 'a report is redacted by text only: its keys describe, never hold, a secret');
});

t.test('redactDomain: diagnostics on a secret statement lose the words of its value', async (t) => {
  const text = `name = "g"\nfoo_secret = 'a' + s3cr3tWord\nspicepasswd = "unclosed9\nmemory = 256\n`;
  const domain = {
    diagnostics: [
      { line: 2, message: 'uses the variable `s3cr3tWord`' },
      { line: 3, message: "near `\"unclosed9': the string is not closed" },
      { line: 4, message: 'memory s3cr3tWord is fine here: another statement' },
    ],
  };
  const out = redactDomain(domain, text);
  t.same(out.diagnostics.map((d) => d.message), [
    `uses the variable \`${REDACTED}\``,
    `near \`"${REDACTED}': the string is not closed`,
    'memory s3cr3tWord is fine here: another statement',
  ]);
});

t.test('a statement whose value is an expression loses the whole value', async (t) => {
  t.equal(redactSecrets("foo_secret = 'a' + s3cr3t\nmemory = 1\n"), `foo_secret = "${REDACTED}"\nmemory = 1\n`);
  t.equal(redactSecrets("vncpasswd = 'x' # set by ops\n"), `vncpasswd = '${REDACTED}' # set by ops\n`, 'a comment after a string is kept');
  t.equal(redactSecrets(redactSecrets("foo_secret = 'a' + s3cr3t\n")), `foo_secret = "${REDACTED}"\n`, 'idempotent');
});

/**
 * A guest read as lint reads it, through redactDomain, and through the whole walk:
 * redactDeep first, then redactDomain with a text that makes it walk (a comment
 * adds no statement, so the diagnostics rule sees the same secret statements).
 */
function readBoth(text: string, file = 'g.cfg', dialect?: 'xl' | 'xm'): { fast: DomainFacts; walked: DomainFacts } {
  const parse = (): DomainFacts => buildDomain(parseConfig(text, file, dialect ? { dialect } : {}));
  const fast = redactDomain(parse(), text);
  const walked = redactDomain(redactDeep(parse()), `${text}\n# passw`);
  return { fast, walked };
}

t.test('redactDomain: a secret the text spells only once read is still redacted', async (t) => {
  const composed: Array<[string, string, 'xl' | 'xm']> = [
    ['an xm string join', `name = "g"\nvif = [ 'bridge=xenbr0,pass' + 'word=SEKRIT1' ]\n`, 'xm'],
    ['adjacent xm literals', `name = "g"\nvif = [ 'bridge=xenbr0,pass' 'word=SEKRIT1' ]\n`, 'xm'],
    ['adjacent across a comment', `name = "g"\nvif = [ 'bridge=xenbr0,pass' # c\n  'word=SEKRIT1' ]\n`, 'xm'],
    ['adjacent after a # inside a string', `name = "g"\nvif = [ 'bridge=xenbr0 #x,pass' 'word=SEKRIT1' ]\n`, 'xm'],
    ['an xm repeat', `name = "g"\nvif = [ 'wd=SEKRIT1,pass' * 2 ]\n`, 'xm'],
    ['an xm escape', `name = "g"\nvif = [ 'bridge=xenbr0,\\x70assword=SEKRIT1' ]\n`, 'xm'],
    ['a numeric escape xl drops', `name = "g"\nvif = [ "bridge=xenbr0,pass\\0000word=SEKRIT1" ]\n`, 'xl'],
    ['an xl += of strings', `name = "g"\nkernel = "/boot/pass"\nkernel += "word=SEKRIT1"\n`, 'xl'],
  ];
  for (const [what, text, dialect] of composed) {
    const { fast, walked } = readBoth(text, 'g.cfg', dialect);
    t.match(JSON.stringify(walked), /passw(or)?d=REDACTED/, `${what}: the walk redacts it`);
    t.same(fast, walked, `${what}: redactDomain agrees with the walk`);
  }
  const inPath = readBoth('memory = 256\n', 'secret=SEKRIT1.cfg', 'xl');
  t.same(inPath.fast, inPath.walked, 'a path that reads as a secret goes through the walk');
});

t.test('redactDomain: on every fixture and sample config, the same domain as the whole walk', async (t) => {
  const files: string[] = [];
  const collect = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) collect(p);
      else if (e.name.endsWith('.cfg')) files.push(p);
    }
  };
  for (const dir of ['test/fixtures/checks', 'samples']) collect(dir);
  t.ok(files.length > 200, `${files.length} configs`);
  const differ = files.filter((file) => {
    const text = readFileSync(file, 'latin1');
    const { fast, walked } = readBoth(text, file);
    return JSON.stringify(fast) !== JSON.stringify(walked);
  });
  t.same(differ, [], 'no config redacts differently');
});

t.test('a value Python continues over several lines loses every line of it, and the lines after keep their numbers', async (t) => {
  const R = REDACTED;
  t.equal(redactSecrets("vncpasswd = (\n    's3cr3t'\n)\nmemory = 512\n"), `vncpasswd = "${R}"\n\n\nmemory = 512\n`, 'inside parentheses');
  t.equal(redactSecrets("spicepasswd = 'abc' \\\n   'def'\nvcpus = 2\n"), `spicepasswd = "${R}"\n\nvcpus = 2\n`, 'a string, a backslash, another string');
  t.equal(redactSecrets("vncpasswd = \\\r\n  'xyz'\r\nvcpus = 2\r\n"), `vncpasswd = "${R}"\r\n\r\nvcpus = 2\r\n`, 'a backslash first, CRLF kept');
  t.equal(redactSecrets("vncpasswd = ('a)b' # it's\n 'c(d')  # by ops\nvcpus = 2\n"), `vncpasswd = "${R}"\n  # by ops\nvcpus = 2\n`, 'brackets and quotes inside strings and comments do not count; the comment after the value stays');
  t.equal(redactSecrets("vncpasswd = ( 'never closed\nmemory = 1\n"), `vncpasswd = "${R}"\n\n`, 'an unclosed bracket: the rest of the text');
  t.equal(redactSecrets("vncpasswd = ('a'); memory = 1\n"), `vncpasswd = "${R}"; memory = 1\n`, 'a semicolon ends it');
  const text = "name = 'g'\nvncpasswd = (\n  'p1' +\n  'p2')\nspicepasswd = 'q1' \\\n 'q2'\nmemory = 1\n";
  const out = redactSecrets(text);
  t.equal(out.split('\n').length, text.split('\n').length, 'as many lines');
  t.notMatch(out, /p1|p2|q1|q2/);
  t.equal(redactSecrets(out), out, 'idempotent');
  t.equal(new TextDecoder().decode(redactBytes(new TextEncoder().encode(text))), out, 'a capture writes the same');
});

/** mayCompose as it was before its regex pre-test: the walk over every character, the oracle. */
function mayComposeWalk(text: string): boolean {
  if (text.includes('\\')) return true;
  let lineStart = true;
  let commentLine = false;
  let afterQuote = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const blank = c === 32 || (c >= 9 && c <= 13);
    const newline = c === 10 || c === 13;
    if (c === 10) {
      lineStart = true;
      commentLine = false;
    } else if (lineStart && c !== 32 && c !== 9) {
      lineStart = false;
      commentLine = c === 35;
    }
    if ((c === 43 || c === 42) && !commentLine) return true;
    const quote = c === 39 || c === 34;
    if (quote && afterQuote) return true;
    const nextAfterQuote: boolean = quote || (afterQuote && blank) || (inComment && newline);
    inComment = (afterQuote && c === 35) || (inComment && !newline);
    afterQuote = nextAfterQuote;
  }
  return false;
}

t.test('mayCompose: its regex pre-test never clears a text the walk would not', async (t) => {
  // The characters the walk looks at, and some it does not, so short texts hit every state often.
  const ch = fc.constantFrom("'", '"', '#', ' ', '\t', '\n', '\r', '\v', '\f', '+', '*', '\\', 'a', '=', '[', ',', '\u2014');
  let composing = 0;
  fc.assert(
    fc.property(fc.array(ch, { maxLength: 24 }).map((a) => a.join('')), (text) => {
      const want = mayComposeWalk(text);
      if (want) composing++;
      return mayCompose(text) === want;
    }),
    { numRuns: 20000 },
  );
  t.ok(composing > 1000, `${composing} of the texts compose`);
  for (const text of ["a = 'x' # c\n  'y'", "a = 'x'\n\v\f 'y'", "# only * in a comment\nm = 1\n", "k = 'x' #\r'y'", "v = ['a',\n 'b']\n"]) {
    t.equal(mayCompose(text), mayComposeWalk(text), JSON.stringify(text));
  }
});

t.test('mayRedact matches what /passw|secret|ticket/i matched, ASCII letters in either case and look-alikes beyond ASCII included', (t) => {
  // Its pattern spells each letter's two cases out instead of the `i` flag (issue 14); under non-Unicode `i`
  // no character beyond ASCII (ſ, the Kelvin sign, dotless ı) folds to one of these letters.
  const old = /passw|secret|ticket/i;
  // One of the words with each letter in a random case, one of its letters now and then a look-alike or
  // dropped, between other characters.
  const lookAlike: Record<string, string> = { s: 'ſ', k: '\u212a', i: 'ı', t: 'ţ', e: 'é' };
  const word = fc
    .tuple(fc.constantFrom('passw', 'secret', 'ticket'), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.integer({ min: -12, max: 5 }), fc.boolean())
    .map(([w, upper, at, drop]) => {
      const letters = [...w].map((c, i) => (upper[i] ? c.toUpperCase() : c));
      if (at >= 0 && at < letters.length) letters[at] = drop ? '' : (lookAlike[w[at]!] ?? 'x');
      return letters.join('');
    });
  const piece = fc.oneof(word, fc.constantFrom('x', '"', ':', ' ', 'İ', 'S', 'k'));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
      const text = pieces.join('');
      t.equal(mayRedact(text), old.test(text), text);
    }),
    { numRuns: 3000 },
  );
  t.end();
});
