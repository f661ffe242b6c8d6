import t from 'tap';
import fc from 'fast-check';
import semver from 'semver';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  xenSemver,
  parseXenVersionArg,
  versionFromInfoFields,
  versionTextFromInfoFields,
  satisfiesXen,
  isXenRange,
  isSimpleXenRange,
  validSemver,
} from '../cli/model/xen-version.js';
import { builtinChecks } from '../checks/index.js';
import { fromRoot } from './helpers/paths.js';

t.test('xen_major/minor/extra -> semver (xen-facts A7 and design.md)', async (t) => {
  const rows: Array<[string, string, string, string | undefined]> = [
    ['3', '0', '.2-2', '3.0.2+2'],
    ['3', '0', '.3-1', '3.0.3+1'],
    ['3', '0', '.4-1', '3.0.4+1'],
    ['3', '0', '.4', '3.0.4'],
    ['3', '1', '.0', '3.1.0'],
    ['3', '1', '.2-92.el5', '3.1.2+92.el5'],
    ['4', '17', '.4-pre', '4.17.4-pre'],
    ['4', '23', '-unstable', '4.23.0-unstable'],
    ['4', '18', '.0-rc', '4.18.0-rc'],
    ['4', '18', '.0-rc4', '4.18.0-rc4'],
    ['4', '1', '.3-12.el6', '4.1.3+12.el6'],
    ['4', '1', '.5.24.g87d90d51', '4.1.5+24.g87d90d51'],
    ['4', '4', '.1_02-1', '4.4.1+02-1'],
    ['4', '2', '-devel', '4.2.0-devel'],
    ['4', '12', '.4.36.g1d3ab68', '4.12.4+36.g1d3ab68'],
    ['4', '11', '', '4.11.0'],
    ['4', '11', '.', '4.11.0'],
    [' 4 ', '11 ', ' .2 ', '4.11.2'],
    ['04', '01', '.1', '4.1.1'],
    ['4', 'x', '.1', undefined],
    ['', '1', '', undefined],
    ['4.1', '1', '', undefined],
  ];
  for (const [maj, min, extra, want] of rows) {
    const got = xenSemver(maj, min, extra);
    t.equal(got, want, `${maj} ${min} ${JSON.stringify(extra)}`);
    if (got !== undefined) t.ok(semver.valid(got), `${got} is valid semver`);
  }
});

t.test('--xen arguments', async (t) => {
  const rows: Array<[string, string | undefined]> = [
    ['3.0.4', '3.0.4'],
    ['4.17', '4.17.0'],
    ['3.1', '3.1.0'],
    ['4.17.4-pre', '4.17.4-pre'],
    ['3.0.4-1', '3.0.4+1'],
    ['4.23-unstable', '4.23.0-unstable'],
    ['4.1.5.24.g87d90d51', '4.1.5+24.g87d90d51'],
    ['v4.19', '4.19.0'],
    ['xen-4.19.1', '4.19.1'],
    ['4', '4.0.0'],
    [' 4.2 ', '4.2.0'],
    ['4.17.x', undefined],
    ['4.17-', undefined],
    ['latest', undefined],
    ['', undefined],
    ['4-unstable', undefined],
    ['4.17 4.18', undefined],
  ];
  for (const [arg, want] of rows) t.equal(parseXenVersionArg(arg), want, JSON.stringify(arg));
});

t.test('versionFromInfoFields / versionTextFromInfoFields', async (t) => {
  t.equal(versionFromInfoFields({ xen_major: '3', xen_minor: '0', xen_extra: '.4-1' }), '3.0.4+1');
  t.equal(versionTextFromInfoFields({ xen_major: '3', xen_minor: '0', xen_extra: '.4-1' }), '3.0.4-1');
  t.equal(versionFromInfoFields({ xen_version: '4.17.4-pre' }), '4.17.4-pre', 'xl 4.4+ xen_version alone');
  t.equal(versionTextFromInfoFields({ xen_version: '4.17.4-pre' }), '4.17.4-pre');
  t.equal(versionFromInfoFields({ xen_major: '4', xen_minor: 'garbled', xen_version: '4.4.1' }), '4.4.1');
  t.equal(versionFromInfoFields({ xen_major: '4', xen_minor: '1' }), '4.1.0', 'missing extra');
  t.equal(versionFromInfoFields({ xen_major: '4', xen_minor: '1', xen_extra: '(none)' }), '4.1.0');
  t.equal(versionFromInfoFields({ host: 'x' }), undefined);
  t.equal(versionTextFromInfoFields({ host: 'x' }), undefined);
});

t.test('satisfiesXen: ranges read the way an admin reads them', async (t) => {
  const rows: Array<[string, string, boolean]> = [
    ['3.0.4', '<3.1', true],
    ['3.0.4+1', '<3.1', true],
    ['3.0.4+1', '>=3.0.4', true],
    ['3.0.3+1', '>=3.0.4', false],
    ['3.0.2+2', '<3.0.3', true],
    ['3.1.0', '<3.1', false],
    ['4.17.4-pre', '>=4.17 <4.18', true],
    ['4.17.4-pre', '<4.18', true],
    ['4.17.4-pre', '4.17.x', true],
    ['4.17.4-pre', '>=4.17.4', false],
    ['4.17.4-pre', '>=4.17.3', true],
    ['4.23.0-unstable', '>=4.22', true],
    ['4.23.0-unstable', '<4.23', false],
    ['4.23.0-unstable', '>=4.23', true],
    ['4.18.0-rc', '>=4.18', true],
    ['4.18.0-rc', '<4.18.0', true],
    ['4.12.4+36.g1d3ab68', '>=4.12.4 <4.13', true],
    ['4.17', '>=4.17 <4.18', true],
    ['3.1', '<3.2', true],
    ['4.17.4-pre', '*', true],
    ['nonsense', '*', false],
    ['4.17.0', 'not a range', false],
  ];
  for (const [v, r, want] of rows) t.equal(satisfiesXen(v, r), want, `${v} in ${r}`);
});

t.test('isXenRange', async (t) => {
  t.ok(isXenRange('>=3.0.3 <4.6'));
  t.ok(isXenRange('<3.1'));
  t.notOk(isXenRange('not a range'));
});

t.test('property: any xen_extra stays inside its major.minor branch', async (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 40 }), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }), (maj, min, extra) => {
      const v = xenSemver(String(maj), String(min), extra);
      if (v === undefined) throw new Error('numeric major/minor must map');
      if (!semver.valid(v)) throw new Error(`invalid ${v}`);
      if (!satisfiesXen(v, `${maj}.${min}.x`)) throw new Error(`${v} left ${maj}.${min}`);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: .N is the patch, and the packaging suffix never changes ordering', async (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 9 }), fc.nat({ max: 30 }), fc.nat({ max: 30 }), fc.stringMatching(/^[0-9a-z.]{0,6}$/), (maj, min, patch, pkg) => {
      const plain = xenSemver(String(maj), String(min), `.${patch}`);
      if (plain !== `${maj}.${min}.${patch}`) throw new Error(String(plain));
      const packaged = xenSemver(String(maj), String(min), `.${patch}-${pkg}`);
      if (packaged === undefined) throw new Error('undefined');
      // Separators before a development tag are dropped (`.0-.rc` is an -rc build), as xenSemver does.
      if (!/^(pre|rc|dev|alpha|beta|unstable)/.test(pkg.replace(/^[-._+~]+/, '')) && semver.compare(packaged, plain) !== 0) {
        throw new Error(`${packaged} vs ${plain}`);
      }
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('property: random input never throws', async (t) => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (a, b, c, r) => {
      xenSemver(a, b, c);
      parseXenVersionArg(a);
      satisfiesXen(a, r);
      versionFromInfoFields({ xen_major: a, xen_minor: b, xen_extra: c, xen_version: r });
    }),
    { numRuns: 400 },
  );
  t.pass();
});

// The ranges are read without semver where they have the simple forms (cli/model/xen-version.ts);
// semver, the reference, must give the same answer for every range the code base holds and any
// other, simple or not, on any version.
function semverDecides(version: string, range: string): boolean {
  const v = semver.valid(version) ?? parseXenVersionArg(version);
  if (v === undefined || v === null) return false;
  try {
    return semver.satisfies(v, range, { includePrerelease: true });
  } catch {
    return false;
  }
}

/** Every string literal in checks/ and cli/ that reads as a version range, and every check's xen field. */
function rangesInTheCodeBase(): string[] {
  const found = new Set<string>(builtinChecks.flatMap((c) => (c.xen !== undefined ? [c.xen] : [])));
  const comparator = String.raw`(?:[<>]=?|=)?\d+(?:\.\d+){0,2}`;
  const rangeLiteral = new RegExp(String.raw`['"\`](${comparator}(?:\s+${comparator})*(?:\s*\|\|\s*${comparator}(?:\s+${comparator})*)*)['"\`]`, 'g');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(rangeLiteral)) if (/[<>=]/.test(m[1]!)) found.add(m[1]!);
    }
  };
  walk(fromRoot('checks'));
  walk(fromRoot('cli'));
  return [...found].sort();
}

const CODE_RANGES = rangesInTheCodeBase();

const prereleaseId = fc.oneof(
  fc.constantFrom('pre', 'rc', 'rc2', 'rc10', 'unstable', 'devel', 'alpha', 'beta1', '0', '1', '2', '10', '01', 'x-1', '-', '9007199254740993'),
  fc.stringMatching(/^[0-9A-Za-z-]{1,4}$/),
);
const num = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 17, 18), fc.nat({ max: 30 }));
/** Versions as the checks get them: semvers with and without prerelease and build, --xen style partials, junk. */
const version = fc.oneof(
  fc
    .tuple(num, num, num, fc.array(prereleaseId, { maxLength: 3 }), fc.option(fc.stringMatching(/^[0-9A-Za-z.-]{1,8}$/), { nil: undefined }))
    .map(([M, m, p, pre, build]) => `${M}.${m}.${p}${pre.length ? `-${pre.join('.')}` : ''}${build !== undefined ? `+${build}` : ''}`),
  fc.tuple(num, num).map(([M, m]) => `${M}.${m}`),
  fc.constantFrom('3.0.4-1', '4.17.4-pre', 'v4.1.2', ' 4.1.2 ', '=4.1.2', '04.1.2', '4.1.2-', '4.1', 'nonsense', '', '9007199254740993.0.0'),
  fc.string({ maxLength: 12 }),
);
const op = fc.constantFrom('', '=', '<', '<=', '>', '>=');
const partial = fc.oneof(
  num.map(String),
  fc.tuple(num, num).map(([M, m]) => `${M}.${m}`),
  fc.tuple(num, num, num).map(([M, m, p]) => `${M}.${m}.${p}`),
);
const simpleComparator = fc.tuple(op, partial).map(([o, v]) => o + v);
const simpleRangeArb = fc.array(fc.array(simpleComparator, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(' ')), { minLength: 1, maxLength: 3 }).map((sets) => sets.join(' || '));
/** What a plugin may write besides: semver's other forms, odd spacing, and what is no range at all. */
const otherRange = fc.oneof(
  fc.tuple(fc.constantFrom('^', '~', '>= ', '< ', 'v', '>=v'), partial).map(([o, v]) => o + v),
  fc.tuple(partial, partial).map(([a, b]) => `${a} - ${b}`),
  fc.constantFrom('*', '', '4.x', '4.17.x', '>=4.17.0-rc', '<4.18.0-0', '>=4 ||', '|| <3', '>=04.1', '  >=4.1   <5  ', '>=4.1\t<5', '<0', '<0.0.0', '>=9007199254740992'),
  fc.string({ maxLength: 10 }),
);

t.test('every range the code base holds is read without semver (start-up never loads it)', async (t) => {
  t.ok(CODE_RANGES.length >= 20, `found ${CODE_RANGES.length} ranges`);
  for (const r of CODE_RANGES) t.ok(isSimpleXenRange(r), r);
});

t.test('property: validSemver is semver.valid', async (t) => {
  fc.assert(
    fc.property(version, (v) => validSemver(v) === semver.valid(v)),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('property: satisfiesXen answers as semver for every range in the code base', async (t) => {
  fc.assert(
    fc.property(version, (v) => CODE_RANGES.every((r) => satisfiesXen(v, r) === semverDecides(v, r))),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('property: satisfiesXen and isXenRange answer as semver for any simple range, and any other', async (t) => {
  fc.assert(
    fc.property(version, fc.oneof(simpleRangeArb, otherRange), (v, r) => {
      if (satisfiesXen(v, r) !== semverDecides(v, r)) throw new Error(`${JSON.stringify(v)} in ${JSON.stringify(r)}: ${satisfiesXen(v, r)}`);
      if (isXenRange(r) !== (semver.validRange(r, { includePrerelease: true }) !== null)) throw new Error(`isXenRange(${JSON.stringify(r)})`);
    }),
    { numRuns: 5000 },
  );
  t.pass();
});
