// What each shard's blob report says about itself (its run id and shard, read from the zip), and whether a set of them is one run's.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';

/** The config metadata key playwright.config.ts writes the run id under; the blob report carries it in its onConfigure event. */
export const RUN_ID_METADATA = 'flowgateRunId';

export interface BlobMeta {
  shard?: { current: number; total: number };
  runId?: string;
}

// A blob's first two lines (its metadata and the config) are a few KiB; these caps bound what a strange file costs.
const HEAD_COMPRESSED = 64 * 1024;
const HEAD_INFLATED = 8 * 1024 * 1024;
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/**
 * The run id and shard a Playwright blob report (a zip) was written with, read from the first lines of its report.jsonl:
 * the onBlobReportMetadata event (shard) and onConfigure (config.metadata.flowgateRunId). Throws an Error saying what
 * is wrong with the file when it is not such a zip.
 */
export function readBlobMeta(file: string): BlobMeta {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record: 22 bytes plus a comment of up to 64 KiB, at the end of the file.
    const tailStart = Math.max(0, size - (22 + 0xffff));
    const tail = readAt(fd, tailStart, size - tailStart);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new Error('a ZIP64 archive, which blob reports of this size never are');
    if (cdSize > MAX_CENTRAL_DIRECTORY) throw new Error(`its central directory is ${cdSize} bytes (more than ${MAX_CENTRAL_DIRECTORY})`);
    const cd = readAt(fd, cdOffset, cdSize);
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const next = p + 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      if (name === 'report.jsonl') {
        const local = cd.readUInt32LE(p + 42);
        const header = readAt(fd, local, 30);
        if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new Error('report.jsonl has no local header where the directory says');
        const data = readAt(fd, local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), Math.min(compressed, HEAD_COMPRESSED));
        if (method !== 0 && method !== 8) throw new Error(`report.jsonl is compressed with method ${method} (expected stored or deflate)`);
        // A truncated deflate stream inflates up to where it was cut when flushed with Z_SYNC_FLUSH.
        const text = (method === 0 ? data : inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: HEAD_INFLATED })).toString('utf8');
        return metaFromHead(text);
      }
      p = next;
    }
    throw new Error('no report.jsonl in it (not a Playwright blob report)');
  } finally {
    closeSync(fd);
  }
}

/** The shard and run id from the first two complete lines of a blob's report.jsonl. */
export function metaFromHead(text: string): BlobMeta {
  const lines = text.split('\n');
  // The last piece may be cut where the read stopped; the two events needed must be whole.
  if (lines.length < 3) throw new Error(`report.jsonl's first two events are not within its first ${HEAD_COMPRESSED / 1024} KiB`);
  const events: any[] = [];
  for (const line of lines.slice(0, 2)) {
    try {
      events.push(JSON.parse(line));
    } catch {
      throw new Error('report.jsonl does not start with JSON events');
    }
  }
  const meta = events.find((e) => e?.method === 'onBlobReportMetadata')?.params;
  if (!meta) throw new Error('report.jsonl does not start with the blob metadata event');
  const config = events.find((e) => e?.method === 'onConfigure')?.params?.config;
  const runId = config?.metadata?.[RUN_ID_METADATA];
  const s = meta.shard;
  return {
    ...(s && Number.isInteger(s.current) && Number.isInteger(s.total) ? { shard: { current: s.current, total: s.total } } : {}),
    ...(typeof runId === 'string' && runId ? { runId } : {}),
  };
}

export interface ShardBlob extends BlobMeta {
  /** the folder the blob was found in, relative to the shards folder (for messages) */
  folder: string;
  /** the shard a folder named "<i>-of-<n>" claims, if it is so named */
  named?: { current: number; total: number };
}

export type ShardCheck = { ok: true; runId: string; seen: number[]; total: number } | { ok: false; problems: string[] };

/**
 * Whether blobs are the shards of one run: each carries a run id and a shard, all the same run id (and the one the
 * merging process was given, if any), all split the same way, no shard twice, and a folder named "<i>-of-<n>" holds that shard.
 */
export function checkShards(blobs: ShardBlob[], givenRunId?: string): ShardCheck {
  const problems: string[] = [];
  const where = (bs: ShardBlob[]) => bs.map((b) => b.folder).join(', ');
  const noId = blobs.filter((b) => !b.runId);
  if (noId.length) problems.push(`no run id recorded in the blob report of ${where(noId)} (written by a flowgate before run ids were recorded, or not by npm run smoke -- --shard)`);
  const noShard = blobs.filter((b) => !b.shard);
  if (noShard.length) problems.push(`the blob report of ${where(noShard)} is not a shard (run without --shard)`);
  const byRun = new Map<string, ShardBlob[]>();
  for (const b of blobs) if (b.runId) byRun.set(b.runId, [...(byRun.get(b.runId) ?? []), b]);
  if (byRun.size > 1) problems.push(`shards of different runs: ${[...byRun].map(([id, bs]) => `run ${id} in ${where(bs)}`).join('; ')}; merge only the shards of one run (give every shard the same FLOWGATE_RUN_ID)`);
  else if (givenRunId && byRun.size === 1 && !byRun.has(givenRunId)) problems.push(`FLOWGATE_RUN_ID is ${givenRunId}, but the shards are of run ${[...byRun.keys()][0]} (${where(blobs)})`);
  const totals = new Set(blobs.filter((b) => b.shard).map((b) => b.shard!.total));
  if (totals.size > 1) problems.push(`shards of runs split differently: ${[...totals].map((n) => `${n} shards in ${where(blobs.filter((b) => b.shard?.total === n))}`).join('; ')}`);
  const byShard = new Map<string, ShardBlob[]>();
  for (const b of blobs) if (b.shard) byShard.set(`${b.shard.current}/${b.shard.total}`, [...(byShard.get(`${b.shard.current}/${b.shard.total}`) ?? []), b]);
  for (const [s, bs] of byShard) if (bs.length > 1) problems.push(`shard ${s} twice: in ${where(bs)}`);
  const misnamed = blobs.filter((b) => b.named && b.shard && (b.named.current !== b.shard.current || b.named.total !== b.shard.total));
  for (const b of misnamed) problems.push(`${b.folder} holds the blob report of shard ${b.shard!.current}/${b.shard!.total}`);
  if (problems.length) return { ok: false, problems };
  return { ok: true, runId: [...byRun.keys()][0], seen: [...new Set(blobs.map((b) => b.shard!.current))].sort((a, b) => a - b), total: [...totals][0] };
}
