/**
 * A config file's bytes as text. Both toolstacks read bytes, not characters: a
 * file that is not valid UTF-8 (a Latin-1 é, a stray 0xff) is still a config,
 * and the bytes inside its strings reach the guest unchanged. Such a file is
 * read byte for byte (each byte one character, as Latin-1), so no byte is lost or
 * replaced and the text can be turned back into the same bytes.
 */
export type ConfigEncoding = 'utf8' | 'bytes';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeConfigBytes(bytes: Uint8Array): { text: string; encoding: ConfigEncoding } {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'bytes' };
  }
}

/** The bytes a string of a decoded config stands for. */
export function configStringBytes(s: string, encoding: ConfigEncoding): Buffer {
  return Buffer.from(s, encoding === 'utf8' ? 'utf8' : 'latin1');
}
