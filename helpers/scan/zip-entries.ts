// A small zip reader for the artifact scan: lists a zip's entries from its central directory and streams each one's bytes (stored or deflated), zip64 included.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { Readable } from 'node:stream';

export class ZipError extends Error {
  override name = 'ZipError';
}

/** Random access to a zip's bytes: a file (read through its descriptor) or a buffer (a zip inside a zip). */
export interface ZipSource {
  size: number;
  read(position: number, length: number): Buffer;
  close(): void;
}

export function fileSource(path: string): ZipSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(position, length) {
      const buf = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, position + done);
        if (n === 0) throw new ZipError(`unexpected end of file at byte ${position + done} (wanted ${length} bytes at ${position})`);
        done += n;
      }
      return buf;
    },
    close: () => closeSync(fd),
  };
}

export function bufferSource(buf: Buffer): ZipSource {
  return {
    size: buf.length,
    read(position, length) {
      if (position < 0 || position + length > buf.length) throw new ZipError(`read past the end (${length} bytes at ${position} of ${buf.length})`);
      return buf.subarray(position, position + length);
    },
    close: () => undefined,
  };
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else cannot be read here */
  method: number;
  compressedSize: number;
  size: number;
  /** where the entry's local header starts */
  headerOffset: number;
  encrypted: boolean;
  directory: boolean;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

const num = (v: bigint, what: string): number => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`${what} too large (${v})`);
  return Number(v);
};

/** The entries of the zip, from its central directory (a zip without one is not a zip). */
export function zipEntries(src: ZipSource): ZipEntry[] {
  // The end record sits in the last 22 bytes plus at most a 64 KiB comment.
  const tailLen = Math.min(src.size, 22 + MAX_COMMENT);
  const tail = src.read(src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError('no end of central directory record: not a zip, or truncated');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  // zip64: the classic record's fields are saturated and a locator just before it points at the zip64 record.
  const eocdPos = src.size - tailLen + at;
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocdPos >= 20) {
    const loc = src.read(eocdPos - 20, 20);
    if (loc.readUInt32LE(0) === EOCD64_LOCATOR) {
      const rec = src.read(num(loc.readBigUInt64LE(8), 'zip64 record offset'), 56);
      if (rec.readUInt32LE(0) !== EOCD64) throw new ZipError('zip64 locator points at no zip64 record');
      count = num(rec.readBigUInt64LE(32), 'entry count');
      cdSize = num(rec.readBigUInt64LE(40), 'central directory size');
      cdOffset = num(rec.readBigUInt64LE(48), 'central directory offset');
    }
  }
  if (cdOffset + cdSize > src.size) throw new ZipError(`central directory (${cdSize} bytes at ${cdOffset}) runs past the end of the file (${src.size} bytes)`);
  const cd = src.read(cdOffset, cdSize);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${i + 1} of ${count} is malformed`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let headerOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // zip64 extra field: the saturated values follow, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = num(cd.readBigUInt64LE(q), 'entry size');
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = num(cd.readBigUInt64LE(q), 'entry compressed size');
          q += 8;
        }
        if (headerOffset === 0xffffffff) headerOffset = num(cd.readBigUInt64LE(q), 'entry offset');
      }
      e += 4 + len;
    }
    out.push({ name, method, compressedSize, size, headerOffset, encrypted: (flags & 1) === 1, directory: name.endsWith('/') });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Where the entry's data begins (after its local header, whose name and extra lengths may differ from the central directory's). */
function dataOffset(src: ZipSource, entry: ZipEntry): number {
  const h = src.read(entry.headerOffset, 30);
  if (h.readUInt32LE(0) !== LOCAL) throw new ZipError(`${entry.name}: no local header at byte ${entry.headerOffset}`);
  return entry.headerOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
}

function checkReadable(entry: ZipEntry): void {
  if (entry.encrypted) throw new ZipError(`${entry.name}: encrypted, cannot be read`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${entry.name}: compression method ${entry.method} is not supported (stored and deflated are)`);
}

/** The whole entry in memory: for entries up to `max` bytes (the declared size is enforced, so a lying header cannot inflate without bound). */
export function readEntry(src: ZipSource, entry: ZipEntry, max: number): Buffer {
  checkReadable(entry);
  if (entry.size > max) throw new ZipError(`${entry.name}: ${entry.size} bytes, more than ${max} to read at once`);
  const raw = src.read(dataOffset(src, entry), entry.compressedSize);
  if (entry.method === 0) return raw;
  try {
    const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    if (out.length !== entry.size) throw new ZipError(`${entry.name}: inflated to ${out.length} bytes, the directory says ${entry.size}`);
    return out;
  } catch (err: any) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`${entry.name}: ${err.code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past its declared ${entry.size} bytes` : `cannot be inflated (${err.message})`}`);
  }
}

/** The entry's bytes in chunks of about `chunk` bytes, read and inflated as they are consumed (any size, bounded memory). */
export async function* streamEntry(src: ZipSource, entry: ZipEntry, chunk = 1 << 20): AsyncGenerator<Buffer> {
  checkReadable(entry);
  const start = dataOffset(src, entry);
  const end = start + entry.compressedSize;
  const raw = Readable.from(
    (function* () {
      for (let pos = start; pos < end; pos += chunk) yield src.read(pos, Math.min(chunk, end - pos));
    })(),
  );
  if (entry.method === 0) {
    for await (const b of raw) yield b as Buffer;
    return;
  }
  const inflate = createInflateRaw({ chunkSize: Math.min(chunk, 1 << 20) });
  raw.pipe(inflate);
  raw.on('error', (err) => inflate.destroy(err));
  let total = 0;
  try {
    for await (const b of inflate) {
      total += (b as Buffer).length;
      if (total > entry.size) throw new ZipError(`${entry.name}: inflates past its declared ${entry.size} bytes`);
      yield b as Buffer;
    }
  } catch (err: any) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`${entry.name}: cannot be inflated (${err.message})`);
  }
  if (total !== entry.size) throw new ZipError(`${entry.name}: inflated to ${total} bytes, the directory says ${entry.size}`);
}
