import { crc32 } from "node:zlib";

/**
 * A streamed ZIP archive of stored (uncompressed) entries: each entry is written as soon as its bytes
 * are known, so nothing but the central directory (a few dozen bytes per entry) is held. Stored, not
 * deflated: the images are already compressed, and the JSON is small. Names are UTF-8 (flag bit 11).
 * Plain ZIP (no ZIP64): an archive refuses to grow past 4 GiB rather than write a broken file.
 */
export class ZipWriter {
  #offset = 0;
  #central: Buffer[] = [];
  #count = 0;
  readonly #time: number;
  readonly #date: number;

  constructor(modified: Date) {
    this.#time = (modified.getUTCHours() << 11) | (modified.getUTCMinutes() << 5) | (modified.getUTCSeconds() >> 1);
    this.#date =
      ((Math.max(modified.getUTCFullYear(), 1980) - 1980) << 9) |
      ((modified.getUTCMonth() + 1) << 5) |
      modified.getUTCDate();
  }

  /** The bytes of one entry (local header and data), to send on. */
  file(name: string, data: Uint8Array): Uint8Array {
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(this.#time, 10);
    local.writeUInt16LE(this.#date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(this.#time, 12);
    central.writeUInt16LE(this.#date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(this.#offset, 42);
    const size = local.length + nameBytes.length + data.length;
    if (this.#offset + size > 0xffff_fff0 || this.#count >= 0xffff)
      throw new Error("the archive would exceed the ZIP format's 4 GiB or 65535 entries");
    this.#central.push(central, nameBytes);
    this.#offset += size;
    this.#count++;
    return Buffer.concat([local, nameBytes, data]);
  }

  /** The central directory and its end record: the archive's last bytes. */
  finish(): Uint8Array {
    const directory = Buffer.concat(this.#central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#count, 8);
    end.writeUInt16LE(this.#count, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.#offset, 16);
    return Buffer.concat([directory, end]);
  }
}
