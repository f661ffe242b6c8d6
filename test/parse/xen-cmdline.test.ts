import t from 'tap';
import fc from 'fast-check';
import {
  parseXenCmdline,
  cmdlineValue,
  cmdlineBoolean,
  dom0MemFromCmdline,
  type Dom0Mem,
} from '../../cli/readers/xen-cmdline.js';

t.test('splitting: name=value, flags, blanks, GRUB2 placeholder', async (t) => {
  t.same(parseXenCmdline('placeholder dom0_mem=4096M,max:4096M dom0_max_vcpus=4 dom0_vcpus_pin no-real-mode edd=off'), [
    { name: 'dom0_mem', value: '4096M,max:4096M' },
    { name: 'dom0_max_vcpus', value: '4' },
    { name: 'dom0_vcpus_pin' },
    { name: 'no-real-mode' },
    { name: 'edd', value: 'off' },
  ]);
  t.same(parseXenCmdline('  console=com1,vga\tcom1=115200,8n1   '), [
    { name: 'console', value: 'com1,vga' },
    { name: 'com1', value: '115200,8n1' },
  ]);
  t.same(parseXenCmdline(''), []);
  t.same(parseXenCmdline('   '), []);
  t.same(parseXenCmdline('dtuart=/soc/serial@7e215040'), [{ name: 'dtuart', value: '/soc/serial@7e215040' }]);
  t.same(parseXenCmdline('flag='), [{ name: 'flag', value: '' }], 'empty value is kept, distinct from a bare flag');
  t.same(parseXenCmdline('a=b=c'), [{ name: 'a', value: 'b=c' }], 'only the first = splits');
});

t.test('quotes group blanks and are removed', async (t) => {
  t.same(parseXenCmdline('xsm="flask" extra="a b  c" last'), [
    { name: 'xsm', value: 'flask' },
    { name: 'extra', value: 'a b  c' },
    { name: 'last' },
  ]);
  t.same(parseXenCmdline('x="unterminated value'), [{ name: 'x', value: 'unterminated value' }]);
  t.same(parseXenCmdline('""'), [], 'an empty quoted token is not an option');
});

t.test('image path and dom0 options after --', async (t) => {
  t.same(parseXenCmdline('/boot/xen-4.1.gz dom0_mem=1024M'), [{ name: 'dom0_mem', value: '1024M' }]);
  t.same(parseXenCmdline('dom0_mem=1024M /not/first'), [{ name: 'dom0_mem', value: '1024M' }, { name: '/not/first' }]);
  t.same(parseXenCmdline('dom0_mem=1G -- root=/dev/sda1 ro'), [{ name: 'dom0_mem', value: '1G' }]);
});

t.test('cmdlineValue: the last occurrence wins, - and _ match', async (t) => {
  const o = parseXenCmdline('sched=credit loglvl=all sched=credit2 dom0-max-vcpus=2 noreboot');
  t.equal(cmdlineValue(o, 'sched'), 'credit2');
  t.equal(cmdlineValue(o, 'dom0_max_vcpus'), '2');
  t.equal(cmdlineValue(o, 'noreboot'), '');
  t.equal(cmdlineValue(o, 'absent'), undefined);
});

t.test('cmdlineBoolean: Xen boolean forms', async (t) => {
  const rows: Array<[string, boolean | undefined]> = [
    ['noreboot', true],
    ['noreboot=true', true],
    ['noreboot=on', true],
    ['noreboot=1', true],
    ['noreboot=enable', true],
    ['noreboot=no', false],
    ['noreboot=off', false],
    ['noreboot=disable', false],
    ['noreboot=0', false],
    ['no-noreboot', false],
    ['noreboot=maybe', undefined],
    ['other', undefined],
    ['noreboot no-noreboot', false],
    ['no-noreboot noreboot=yes', true],
  ];
  for (const [line, want] of rows) t.equal(cmdlineBoolean(parseXenCmdline(line), 'noreboot'), want, line);
});

t.test('dom0_mem forms (pandoc dom0_mem; sizes default to KiB)', async (t) => {
  const rows: Array<[string, Dom0Mem | undefined]> = [
    ['dom0_mem=512M', { amountMiB: 512 }],
    ['dom0_mem=512M,max:512M', { amountMiB: 512, maxMiB: 512 }],
    ['dom0_mem=1024M,max:1024M', { amountMiB: 1024, maxMiB: 1024 }],
    ['dom0_mem=min:1G,max:4G', { minMiB: 1024, maxMiB: 4096 }],
    ['dom0_mem=512M,max:1G', { amountMiB: 512, maxMiB: 1024 }],
    ['dom0_mem=524288', { amountMiB: 512 }],
    ['dom0_mem=2097152k', { amountMiB: 2048 }],
    ['dom0_mem=0x200M', { amountMiB: 512 }],
    ['dom0_mem=0100M', { amountMiB: 64 }, /* a leading 0 is octal, as in C */],
    ['dom0_mem=0x1000b', { amountMiB: 65547 / 1024 }, /* b is a hex digit here: 0x1000b KiB */],
    ['dom0_mem=1t', { amountMiB: 1024 * 1024 }],
    ['dom0_mem=1536K', { amountMiB: 1.5 }],
    ['dom0_mem=-1G', { relative: ['-1G'] }],
    ['dom0_mem=25%', { relative: ['25%'] }],
    ['dom0_mem=1G+25%,max:8G', { maxMiB: 8192, relative: ['1G+25%'] }],
    ['dom0_mem=max:-512M', { relative: ['max:-512M'] }],
    ['dom0_mem=512X', { invalid: ['512X'] }],
    ['dom0_mem=lots', { invalid: ['lots'] }],
    ['dom0_mem=150%', { invalid: ['150%'] }],
    ['dom0_mem=', { invalid: [''] }],
    ['dom0_mem', { invalid: [''] }],
    ['dom0_mem=256M dom0_mem=1G', { amountMiB: 1024 }],
    ['dom0_max_vcpus=2', undefined],
    ['', undefined],
  ];
  for (const [line, want] of rows) t.same(dom0MemFromCmdline(parseXenCmdline(line)), want, line);
});

t.test('property: random command lines never throw and round-trip simple options', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const o = parseXenCmdline(s);
      cmdlineValue(o, 'dom0_mem');
      cmdlineBoolean(o, 'noreboot');
      dom0MemFromCmdline(o);
    }),
    { numRuns: 500 },
  );
  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/).filter((n) => n !== 'placeholder');
  const value = fc.option(fc.stringMatching(/^[A-Za-z0-9,:.=%+@\/-]{0,16}$/), { nil: undefined });
  fc.assert(
    fc.property(fc.array(fc.tuple(name, value), { maxLength: 12 }), (pairs) => {
      const raw = pairs.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join(' ');
      const got = parseXenCmdline(raw);
      const want = pairs.map(([n, v]) => (v === undefined ? { name: n } : { name: n, value: v }));
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${raw}: ${JSON.stringify(got)}`);
    }),
    { numRuns: 300 },
  );
  t.pass();
});
