/**
 * A minimal, strict POSIX ustar writer and reader, streamed: neither side holds more than one chunk of
 * a file in memory. Loupe's backups are flat archives of a few regular files; the reader reports each
 * header as it is (type, name, declared size) so the caller can refuse anything else before a byte of
 * that entry is written anywhere. Sizes beyond ustar's 8 GiB use GNU's base-256 encoding.
 */

const BLOCK = 512;
const OCTAL_SIZE_MAX = 0o77777777777;

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export type TarHeader = { name: string; type: TarEntryType; size: number; linkName: string };

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

function writeSize(block: Uint8Array, value: number): void {
  if (value <= OCTAL_SIZE_MAX) {
    writeOctal(block, 124, 12, value);
    return;
  }
  // GNU base-256: the first byte's high bit set, then the value big-endian.
  let rest = BigInt(value);
  for (let i = 135; i > 124; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[124] = 0x80;
}

/** The 512-byte ustar header of a regular file. */
export function tarFileHeader(name: string, size: number, mtimeSeconds: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o600);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeSize(block, size);
  writeOctal(block, 136, 12, Math.max(0, Math.floor(mtimeSeconds)));
  block.fill(0x20, 148, 156); // The checksum counts its own field as spaces.
  block[156] = 0x30; // '0': regular file
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** Zero bytes that round a file of `size` bytes up to whole blocks. */
export function tarPadding(size: number): Uint8Array {
  const rest = size % BLOCK;
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(BLOCK * 2);
}

export class TarFormatError extends Error {
  override name = "TarFormatError";
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder("utf-8", { fatal: true }).decode(end === -1 ? field : field.subarray(0, end));
}

function readNumber(block: Uint8Array, offset: number, length: number): number {
  if ((block[offset]! & 0x80) !== 0) {
    let value = BigInt(block[offset]! & 0x7f);
    for (let i = offset + 1; i < offset + length; i++) value = (value << 8n) | BigInt(block[i]!);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarFormatError("a size is out of range");
    return Number(value);
  }
  const text = readString(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError("a numeric header field is not octal");
  return Number.parseInt(text, 8);
}

function parseHeader(block: Uint8Array): TarHeader {
  const stored = readNumber(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (sum !== stored) throw new TarFormatError("a header's checksum does not match");
  if (readString(block, 257, 6) !== "ustar") throw new TarFormatError("not a ustar archive");
  const prefix = readString(block, 345, 155);
  const base = readString(block, 0, 100);
  const name = prefix ? `${prefix}/${base}` : base;
  const flag = String.fromCharCode(block[156]!);
  const type: TarEntryType =
    flag === "0" || flag === "\0"
      ? "file"
      : flag === "5"
        ? "directory"
        : flag === "2"
          ? "symlink"
          : flag === "1"
            ? "hardlink"
            : "other";
  return { name, type, size: readNumber(block, 124, 12), linkName: readString(block, 157, 100) };
}

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  #reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  #chunk: Uint8Array = new Uint8Array(0);
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** The next up to `max` bytes (at least 1), or undefined at the end of the stream. */
  async next(max: number): Promise<Uint8Array | undefined> {
    while (this.#chunk.length === 0) {
      const { done, value } = await this.#reader.read();
      if (done || !value) return undefined;
      this.#chunk = value;
    }
    const out = this.#chunk.subarray(0, max);
    this.#chunk = this.#chunk.subarray(out.length);
    return out;
  }

  async exact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const part = await this.next(n - filled);
      if (!part) throw new TarFormatError("the archive ends in the middle of an entry");
      out.set(part, filled);
      filled += part.length;
    }
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const part = await this.next(left);
      if (!part) throw new TarFormatError("the archive ends in the middle of an entry");
      left -= part.length;
    }
  }

  cancel(): void {
    this.#reader.cancel().catch(() => {});
  }
}

export type TarVisitor = {
  /**
   * Called with each header before any of its content is read. Throw to refuse the archive; return
   * a sink for the entry's content (called with each chunk in order, then `end`).
   */
  entry(
    header: TarHeader,
    index: number,
  ): { write(chunk: Uint8Array): void | Promise<void>; end(): void | Promise<void> };
};

/** Walks a tar stream, handing each entry's content to the visitor's sink; refuses malformed archives. */
export async function readTar(stream: ReadableStream<Uint8Array>, visitor: TarVisitor): Promise<number> {
  const input = new ByteReader(stream);
  let index = 0;
  try {
    for (;;) {
      const block = await input.exact(BLOCK);
      if (block.every((b) => b === 0)) {
        const second = await input.exact(BLOCK);
        if (!second.every((b) => b === 0)) throw new TarFormatError("a zero block in the middle of the archive");
        // Anything after the end marker is refused: it would be data no check looked at.
        for (;;) {
          const rest = await input.next(64 * 1024);
          if (!rest) break;
          if (!rest.every((b) => b === 0)) throw new TarFormatError("data after the end of the archive");
        }
        return index;
      }
      const header = parseHeader(block);
      const sink = visitor.entry(header, index);
      let left = header.size;
      while (left > 0) {
        const part = await input.next(Math.min(left, 1024 * 1024));
        if (!part) throw new TarFormatError("the archive ends in the middle of an entry");
        await sink.write(part);
        left -= part.length;
      }
      await sink.end();
      await input.skip(tarPadding(header.size).length);
      index++;
    }
  } catch (error) {
    input.cancel();
    throw error;
  }
}
