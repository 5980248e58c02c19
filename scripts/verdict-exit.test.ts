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

test('--release: ready → 0; awaiting sign-off → 1; NO-GO and could-not-evaluate keep 1 and 2', () => {
  expect(releaseExit(reports({ verdict: 'GO', release: 'ready', awaitingSignOff: [] }), 0)).toBe(0);
  expect(releaseExit(reports({ verdict: 'GO', release: 'awaiting-sign-off', awaitingSignOff: [1, 3] }), 0)).toBe(1);
  expect(releaseExit(reports({ verdict: 'NO-GO', release: 'awaiting-sign-off', awaitingSignOff: [] }), 1)).toBe(1);
  expect(releaseExit(reports({}), 2)).toBe(2);
});
