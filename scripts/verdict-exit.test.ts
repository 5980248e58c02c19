// Unit tests of the exit rules: --release exits 0 only when GO and ready, 1 naming the missing sign-offs, and a NO-GO or could-not-evaluate keeps its code.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseExit } from './verdict-exit';

function reports(v: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-release-'));
  writeFileSync(join(dir, 'go-no-go.json'), JSON.stringify(v));
  return dir;
}

const STAGING = { kind: 'staging', name: 'staging-eu', kongUrl: 'https://gw.example' };

test('--release: ready → 0; awaiting sign-off → 1; NO-GO and could-not-evaluate keep 1 and 2', () => {
  expect(releaseExit(reports({ verdict: 'GO', release: 'ready', awaitingSignOff: [], target: STAGING }), 0)).toBe(0);
  expect(releaseExit(reports({ verdict: 'GO', release: 'awaiting-sign-off', awaitingSignOff: [1, 3], target: STAGING }), 0)).toBe(1);
  expect(releaseExit(reports({ verdict: 'NO-GO', release: 'awaiting-sign-off', awaitingSignOff: [] }), 1)).toBe(1);
  expect(releaseExit(reports({}), 2)).toBe(2);
});

test('--release against the embedded stack is 1 even when GO and ready: a release is not decided on the model', () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    // decided embedded before the run, or the embedded stack reached through its variables (kind staging, named embedded)
    expect(releaseExit(reports({ verdict: 'GO', release: 'ready', awaitingSignOff: [], target: { kind: 'embedded', name: 'embedded' } }), 0)).toBe(1);
    expect(releaseExit(reports({ verdict: 'GO', release: 'ready', awaitingSignOff: [], target: { kind: 'staging', name: 'embedded', kongUrl: 'http://127.0.0.1:1' } }), 0)).toBe(1);
  } finally {
    console.error = original;
  }
  expect(errors).toEqual([expect.stringContaining('a release is not decided on the model'), expect.stringContaining('staging named embedded')]);
  // what decided is the target: the same verdict on staging is ready
  expect(releaseExit(reports({ verdict: 'GO', release: 'ready', awaitingSignOff: [], target: STAGING }), 0)).toBe(0);
  expect(releaseExit(reports({ verdict: 'NO-GO', release: 'ready', target: { kind: 'embedded', name: 'embedded' } }), 1)).toBe(1);
});
