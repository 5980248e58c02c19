// Unit tests of the shard check: a blob report's run id and shard are read from the zip; shards of two runs, a shard twice, a misnamed folder or a blob without a run id are refused.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { checkShards, readBlobMeta, type ShardBlob } from './shards';

/** A zip with one entry as Playwright's blob reporter writes it (deflated, sizes in the central directory). */
function zipWith(name: string, content: string, method: 0 | 8 = 8): Buffer {
  const raw = Buffer.from(content);
  const data = method === 8 ? deflateRawSync(raw) : raw;
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(raw.length, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = 30 + n.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, data, central, n, eocd]);
}

const events = (shard: object | undefined, runId: string | undefined) =>
  [
    { method: 'onBlobReportMetadata', params: { version: 2, userAgent: 'x', shard, pathSeparator: '/' } },
    { method: 'onConfigure', params: { config: { metadata: runId ? { flowgateRunId: runId, ci: 'x' } : {}, projects: [] } } },
    { method: 'onBegin', params: {} },
  ].map((e) => JSON.stringify(e) + '\n').join('') + 'x'.repeat(200_000);

test('readBlobMeta: the shard and run id from a blob report zip, deflated or stored; anything else says what it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-shards-'));
  const file = (name: string, body: Buffer) => (writeFileSync(join(dir, name), body), join(dir, name));
  expect(readBlobMeta(file('a.zip', zipWith('report.jsonl', events({ current: 2, total: 3 }, 'nightly-7'))))).toEqual({ shard: { current: 2, total: 3 }, runId: 'nightly-7' });
  expect(readBlobMeta(file('b.zip', zipWith('report.jsonl', events({ current: 1, total: 3 }, 'nightly-7'), 0)))).toEqual({ shard: { current: 1, total: 3 }, runId: 'nightly-7' });
  expect(readBlobMeta(file('c.zip', zipWith('report.jsonl', events(undefined, undefined))))).toEqual({});
  expect(() => readBlobMeta(file('d.zip', zipWith('other.txt', 'hello')))).toThrow('no report.jsonl in it');
  expect(() => readBlobMeta(file('e.zip', Buffer.from('not a zip at all')))).toThrow('not a zip file');
  expect(() => readBlobMeta(file('f.zip', zipWith('report.jsonl', 'garbage\nmore\n')))).toThrow('does not start with JSON events');
});

const blob = (folder: string, current: number, total: number, runId?: string): ShardBlob => ({ folder, shard: { current, total }, ...(runId ? { runId } : {}), named: { current, total } });

test('checkShards: one run → its id and the shards seen; two runs exit 2 naming both ids and their folders', () => {
  expect(checkShards([blob('2-of-2/blob', 2, 2, 'r-1'), blob('1-of-2/blob', 1, 2, 'r-1')])).toEqual({ ok: true, runId: 'r-1', seen: [1, 2], total: 2 });
  expect(checkShards([blob('1-of-2/blob', 1, 2, 'r-1')], 'r-1')).toEqual({ ok: true, runId: 'r-1', seen: [1], total: 2 });
  const two = checkShards([blob('1-of-2/blob', 1, 2, 'today'), blob('2-of-2/blob', 2, 2, 'stale')]);
  expect(two).toEqual({ ok: false, problems: ['shards of different runs: run today in 1-of-2/blob; run stale in 2-of-2/blob; merge only the shards of one run (give every shard the same FLOWGATE_RUN_ID)'] });
  // the merging process's FLOWGATE_RUN_ID does not paper over it, and must name the shards' run when set
  expect(checkShards([blob('1-of-2/blob', 1, 2, 'today'), blob('2-of-2/blob', 2, 2, 'stale')], 'today').ok).toBe(false);
  expect(checkShards([blob('1-of-2/blob', 1, 2, 'r-1'), blob('2-of-2/blob', 2, 2, 'r-1')], 'r-2')).toEqual({ ok: false, problems: ['FLOWGATE_RUN_ID is r-2, but the shards are of run r-1 (1-of-2/blob, 2-of-2/blob)'] });
});

test('checkShards: no run id, not a shard, split differently, a shard twice, a folder holding another shard: each named', () => {
  const problems = (bs: ShardBlob[]) => (checkShards(bs) as { problems: string[] }).problems;
  expect(problems([blob('1-of-2/blob', 1, 2), blob('2-of-2/blob', 2, 2, 'r-1')])).toEqual([expect.stringMatching(/^no run id recorded in the blob report of 1-of-2\/blob/)]);
  expect(problems([{ folder: 'whole', runId: 'r-1' }, blob('1-of-2/blob', 1, 2, 'r-1')])).toEqual(['the blob report of whole is not a shard (run without --shard)']);
  expect(problems([blob('1-of-2/blob', 1, 2, 'r-1'), blob('2-of-3/blob', 2, 3, 'r-1')])).toEqual(['shards of runs split differently: 2 shards in 1-of-2/blob; 3 shards in 2-of-3/blob']);
  expect(problems([blob('1-of-2/blob', 1, 2, 'r-1'), blob('copy/1-of-2/blob', 1, 2, 'r-1')])).toEqual(['shard 1/2 twice: in 1-of-2/blob, copy/1-of-2/blob']);
  expect(problems([{ ...blob('2-of-2/blob', 1, 2, 'r-1'), named: { current: 2, total: 2 } }])).toEqual(['2-of-2/blob holds the blob report of shard 1/2']);
});
