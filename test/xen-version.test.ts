import t from 'tap';
import fc from 'fast-check';
import semver from 'semver';
import {
  xenSemver,
  parseXenVersionArg,
  versionFromInfoFields,
  versionTextFromInfoFields,
  satisfiesXen,
  isXenRange,
} from '../cli/model/xen-version.js';

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
