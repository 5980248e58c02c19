// Unit tests of the Allure writer without fsync: the same files as allure-js-commons' FileSystemWriter, whole, and no temp files left.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import { UnsyncedWriter, publish } from './allure-reporter';

function writeAll(w: FileSystemWriter, src: string) {
  w.writeAttachment('a-attachment.json', Buffer.from('{"x":1}'));
  w.writeAttachmentFromPath('b-attachment.png', src);
  w.writeResult({ uuid: 'r1', name: 'test' } as any);
  w.writeGroup({ uuid: 'g1', children: [] } as any);
  w.writeGlobals('x-globals.json', { attachments: [], errors: [] } as any);
}

test('writes the same files with the same contents as FileSystemWriter, in a folder it makes', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowgate-allure-writer-'));
  try {
    const src = join(root, 'src.png');
    writeFileSync(src, Buffer.from([1, 2, 3]));
    writeAll(new FileSystemWriter({ resultsDir: join(root, 'theirs') }), src);
    // @ts-expect-error UnsyncedWriter overrides FileSystemWriter's (privately typed) buildPath
    writeAll(new UnsyncedWriter(join(root, 'ours', 'nested')), src);
    const theirs = readdirSync(join(root, 'theirs')).sort();
    const ours = readdirSync(join(root, 'ours', 'nested')).sort();
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(5);
    for (const f of ours) expect(readFileSync(join(root, 'ours', 'nested', f)), f).toEqual(readFileSync(join(root, 'theirs', f)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a write that fails leaves neither the file nor its temporary behind', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowgate-allure-writer-'));
  try {
    expect(() => publish(join(root, 'out.json'), (tmp) => {
      writeFileSync(tmp, 'half');
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readdirSync(root)).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
