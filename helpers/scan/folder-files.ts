// The files of a folder to scan, and a file's bytes in chunks: what the artifact scan reads from disk.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` that `skip` lets through; an unreadable folder has none. */
export function filesUnder(dir: string, skip: (p: string) => boolean): string[] {
  let list;
  try {
    list = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return list.flatMap((e) => {
    const p = join(dir, e.name);
    if (skip(p)) return [];
    if (e.isDirectory()) return filesUnder(p, skip);
    if (e.isFile()) return [p];
    // A link to a file is read; a link to a folder is not followed (it could loop, or lead out of the run's folder).
    if (e.isSymbolicLink()) {
      try {
        return statSync(p).isFile() ? [p] : [];
      } catch {
        return [];
      }
    }
    return [];
  });
}

/** The first `size` bytes of a file, `chunk` bytes at a time (fewer when the file is shorter). */
export function* fileChunks(path: string, size: number, chunk: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (let pos = 0; pos < size; ) {
      const buf = Buffer.alloc(Math.min(chunk, size - pos));
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
