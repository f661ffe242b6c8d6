// seek-bzip ships no types; this is the part of its API the kernel reader uses.
declare module 'seek-bzip' {
  interface InputStream {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(pos: number): void;
    eof(): boolean;
  }
  interface OutputStream {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: InputStream | Uint8Array, output?: OutputStream | Uint8Array | number, multistream?: boolean): unknown;
  };
  export default Bunzip;
}
