// Every file a run left under a folder, as text to search: plain files as they are, and each entry of a zip (the blob reports) inflated.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bufferSource, readEntry, zipEntries } from '../helpers/scan/zip-entries';

export interface Artifact {
  /** the file's path under the folder; a zip entry is `file.zip!entry` */
  path: string;
  text: string;
}

/** A test run's blob entries are a few MB at most; a larger one is a failure of the test, not something to read. */
const MAX_ENTRY_BYTES = 256 << 20;

/** Every file under `dir` (recursively), zips opened (helpers/zip-entries.ts, the artifact scan's own reader). */
export function artifactsUnder(dir: string): Artifact[] {
  const out: Artifact[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, f);
    if (!statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const path = relative(dir, file);
    out.push({ path, text: body.toString('utf8') });
    if (!file.endsWith('.zip')) continue;
    const src = bufferSource(body);
    for (const e of zipEntries(src)) if (!e.directory) out.push({ path: `${path}!${e.name}`, text: readEntry(src, e, MAX_ENTRY_BYTES).toString('utf8') });
  }
  return out;
}
