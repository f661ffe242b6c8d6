/**
 * The xm reader follows Python 2, which xm ran on: one table row per rule, each
 * written from The Python Language Reference for Python 2 (2.7), not from
 * xenlint's output. `type` is the Python type of the result; xm keeps only
 * str, list, int and float settings (tools/python/xen/xm/opts.py load()).
 */
import t from 'tap';
import { parseXmConfig } from '../../cli/readers/xm-config.js';
import type { ConfigValue } from '../../cli/model/config-model.js';

const valueOf = (expr: string): { value: ConfigValue; dropped: boolean; failed: boolean } => {
  const p = parseXmConfig(`x = ${expr}\n`, 'x.cfg');
  return {
    value: p.entries[0]!.value,
    dropped: p.diagnostics.some((d) => d.code === 'xm-dropped'),
    failed: p.diagnostics.some((d) => /fails in Python|xm cannot load/.test(d.message)),
  };
};
const plain = (v: ConfigValue): unknown => (v.kind === 'number' || v.kind === 'string' ? v.value : v.kind === 'list' ? v.items.map(plain) : v.kind);

type Row = [rule: string, expr: string, want: unknown, how?: 'dropped' | 'fails'];

const ROWS: Row[] = [
  // 2.4.4 Integer and long integer literals
  ['octinteger: a leading 0 is octal', '0755', 493],
  ['hexinteger', '0x1F', 31],
  ['octinteger with 0o (2.6+)', '0o17', 15],
  ['bininteger (2.6+)', '0b101', 5],
  ['`0` alone is decimal zero', '0', 0],
  ['an L suffix makes a long, which xm drops', '10L', 10, 'dropped'],
  ['a long with hex digits', '0XffL', 255, 'dropped'],
  // 2.4.5 Floating point literals
  ['pointfloat', '0.5', 0.5],
  ['pointfloat without integer part', '.5', 0.5],
  ['pointfloat without fraction', '5.', 5],
  ['a float literal may have leading zeros (not octal)', '07.5', 7.5],
  ['exponentfloat', '1e3', 1000],
  // 5.5 Unary arithmetic and bitwise operations
  ['unary minus', '-5', -5],
  ['unary invert: ~x is -(x+1)', '~5', -6],
  // 5.4 The power operator: binds more tightly than unary operators on its left
  ['power', '2**10', 1024],
  ['-2**2 is -(2**2)', '-2**2', -4],
  ['power is right-associative', '2**3**2', 512],
  ['a negative int exponent gives a float', '2**-1', 0.5],
  // 5.6 Binary arithmetic operations
  ['int / int is floor division in Python 2', '7/2', 3],
  ['… rounding towards minus infinity', '-7/2', -4],
  ['a float operand makes / true division', '7.0/2', 3.5],
  ['// is floor division', '7//2', 3],
  ['// on floats floors', '7.5//2', 3],
  ['% takes the sign of the divisor', '-7%3', 2],
  ['% with a negative divisor', '7%-3', -2],
  ['* binds tighter than +', '1+2*3', 7],
  ['parentheses', '(1+2)*3', 9],
  ['str * int repeats', "'ab'*3", 'ababab'],
  ['int * list repeats', '2*[1]', [1, 1]],
  ['adjacent string literals concatenate (2.4.2)', '"a" "b"', 'ab'],
  ['True is 1 in arithmetic', '5-True', 4],
  ['int overflow promotes to long', '2**63', 9223372036854775808, 'dropped'],
  ['division by zero is ZeroDivisionError', '1/0', 'unreadable', 'fails'],
  ['str % is formatting, not arithmetic', '"%d" % 5', 'unreadable'],
  // 5.7 Shifting operations, 5.8 Binary bitwise operations
  ['left shift', '3<<2', 12],
  ['right shift', '-9>>1', -5],
  ['bitwise and', '0xff & 0x0f', 15],
  ['bitwise or', '8 | 1', 9],
  ['bitwise xor', '6 ^ 3', 5],
  ['a shift of a float is a TypeError', '1.0<<1', 'unreadable', 'fails'],
];

for (const [rule, expr, want, how] of ROWS) {
  t.test(`${rule}: ${expr}`, async (t) => {
    const r = valueOf(expr);
    t.same(plain(r.value), want);
    t.equal(r.dropped, how === 'dropped', how === 'dropped' ? 'xm drops this type' : 'xm keeps it');
    t.equal(r.failed, how === 'fails', how === 'fails' ? 'Python fails on it' : 'Python evaluates it');
  });
}

t.test('an invalid octal literal (09) is a syntax error', async (t) => {
  const p = parseXmConfig('x = 09\n', 'x.cfg');
  t.ok(p.diagnostics.some((d) => d.severity === 'error' && /invalid octal/.test(d.message)));
});
