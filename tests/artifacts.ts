// Every file a run left under a folder, as text to search: plain files as they are, and each entry of a zip (the blob reports) inflated.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface Artifact {
  /** the file's path under the folder; a zip entry is `file.zip!entry` */
  path: string;
  text: string;
}

/** The entries of a zip file (stored or deflated), read from its central directory. */
export function zipEntries(zip: Buffer): { name: string; data: Buffer }[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip central directory entry ${n} is malformed`);
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : raw });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Every file under `dir` (recursively), zips opened. */
export function artifactsUnder(dir: string): Artifact[] {
  const out: Artifact[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, f);
    if (!statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const path = relative(dir, file);
    out.push({ path, text: body.toString('utf8') });
    if (file.endsWith('.zip')) for (const e of zipEntries(body)) out.push({ path: `${path}!${e.name}`, text: e.data.toString('utf8') });
  }
  return out;
}
