/**
 * SHA-256 of a string's UTF-8 bytes, as lowercase hex: what node:crypto's
 * `hash('sha256', text)` gives. Loading node:crypto was ~13 M instructions of
 * `lint one.cfg`'s start-up (it brings 17 internal modules: keys, ciphers,
 * X.509...) to hash a few short fingerprint texts (issue 14). So the first
 * JS_HASHES texts of a process are hashed here in JavaScript, and only a run
 * that hashes more loads node:crypto, cheaper per text once loaded (callgrind:
 * ~13 k instructions a short text with createHash, against ~17 k here).
 * test/sha256.test.ts holds both to the same digests.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W = new Int32Array(64);
const H = new Int32Array(8);
// Made when a text that is not ASCII comes: a TextEncoder (and a table of 256 hex strings, as the
// digest was written) cost every start at load (issue 14).
let encoder: InstanceType<typeof TextEncoder> | undefined;
let buffer = new Uint8Array(256);

/** How many texts a process hashes in JavaScript before it loads node:crypto. */
export const JS_HASHES = 200;
let hashed = 0;
let nativeHex: ((text: string) => string) | undefined;

/** Lowercase hex SHA-256 of `text` encoded as UTF-8 (lone surrogates as U+FFFD, as Buffer.from does). */
export function sha256Hex(text: string): string {
  if (nativeHex) return nativeHex(text);
  if (++hashed <= JS_HASHES) return jsSha256Hex(text);
  const { hash } = process.getBuiltinModule('node:crypto');
  nativeHex = (t) => hash('sha256', t);
  return nativeHex(text);
}

/** sha256Hex computed in JavaScript. */
export function jsSha256Hex(text: string): string {
  // At most 3 bytes per UTF-16 code unit, plus the padding (1 + up to 63 + 8).
  const room = text.length * 3 + 72;
  if (buffer.length < room) buffer = new Uint8Array(Math.max(room, buffer.length * 2));
  const bytes = buffer;
  // ASCII (fingerprint texts nearly always are) copied directly; TextEncoder for the rest.
  let n = 0;
  for (; n < text.length; n++) {
    const c = text.charCodeAt(n);
    if (c >= 0x80) break;
    bytes[n] = c;
  }
  if (n < text.length) n = (encoder ??= new TextEncoder()).encodeInto(text, bytes).written;
  const blocks = Math.ceil((n + 9) / 64);
  const end = blocks * 64;
  bytes[n] = 0x80;
  bytes.fill(0, n + 1, end - 8);
  // The bit length, big-endian; texts here are far below 2^29 bytes, so the high word is 0.
  const bits = n * 8;
  bytes[end - 8] = 0;
  bytes[end - 7] = 0;
  bytes[end - 6] = 0;
  bytes[end - 5] = Math.floor(n / 0x20000000) & 0xff;
  bytes[end - 4] = bits >>> 24;
  bytes[end - 3] = (bits >>> 16) & 0xff;
  bytes[end - 2] = (bits >>> 8) & 0xff;
  bytes[end - 1] = bits & 0xff;
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85 | 0;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a | 0;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c | 0;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  for (let at = 0; at < end; at += 64) compress(bytes, at);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += (H[i]! >>> 0).toString(16).padStart(8, '0');
  return hex;
}

function compress(bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}
