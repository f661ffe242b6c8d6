/**
 * The size a guest sees for a disk image whose format has a header (qcow,
 * qcow2, dynamic/differencing VHD). Such a file is usually much smaller than the
 * disk it holds, so its file size says little about the limits a check cares
 * about (a 200 GB qcow2 may be a 2 GB file). Raw images are their file size.
 * Pure; returns undefined on anything it does not recognise.
 *
 * Formats: qcow and qcow2 both start with "QFI\xfb", a 32-bit version and put
 * the virtual size at offset 24 (64-bit big-endian); a dynamic VHD starts with a
 * copy of its footer ("conectix"), whose current size is at offset 48.
 */
export const DISK_HEADER_BYTES = 512;

export type HeaderFormat = 'qcow' | 'qcow2' | 'vhd';

export function headerFormatOf(format: string | undefined, backend: string | undefined): HeaderFormat | undefined {
  const words = `${format ?? ''} ${backend ?? ''}`.toLowerCase();
  if (/\bqcow2\b/.test(words)) return 'qcow2';
  if (/\bqcow\b/.test(words)) return 'qcow';
  if (/\bvhd\b/.test(words)) return 'vhd';
  return undefined;
}

function u64be(b: Uint8Array, at: number): number | undefined {
  if (at + 8 > b.length) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const v = dv.getBigUint64(at, false);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

export function virtualSizeFromHeader(bytes: Uint8Array): { bytes: number; format: string } | undefined {
  if (bytes.length >= 32 && bytes[0] === 0x51 && bytes[1] === 0x46 && bytes[2] === 0x49 && bytes[3] === 0xfb) {
    const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, false);
    const size = u64be(bytes, 24);
    if (size === undefined) return undefined;
    return { bytes: size, format: version === 1 ? 'qcow' : `qcow2 (version ${version})` };
  }
  if (bytes.length >= 56 && Buffer.from(bytes.subarray(0, 8)).toString('latin1') === 'conectix') {
    const size = u64be(bytes, 48);
    return size === undefined ? undefined : { bytes: size, format: 'vhd' };
  }
  return undefined;
}
