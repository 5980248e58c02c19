// Unit tests of ownership: the run id in a harness address, when a tenant is the cleanup's to delete, the row bound, durations, cleanup notes.
import { test, expect } from '@playwright/test';
import { checkRowBound, maskEmail, parseCleanupNotes, parseDuration, refusedNote, RowBoundExceeded, runIdOfEmail, tenantOwnership } from './ownership';

test('the run id of a harness address, whatever its run id holds; anything else is not a harness address', () => {
  expect(runIdOfEmail('flowgate+fg-20261207164500-a1b2c3-0-0123abcd@flowgate.test')).toBe('fg-20261207164500-a1b2c3');
  expect(runIdOfEmail('flowgate+nightly-123-3-deadbeef@flowgate.test')).toBe('nightly-123');
  expect(runIdOfEmail('flowgate+nightly-123-control-deadbeef@flowgate.test')).toBe('nightly-123');
  expect(runIdOfEmail('flowgate+nightly-123-1-deadbeef-other0a1b2c@flowgate.test')).toBe('nightly-123');
  for (const e of ['dana@customer.example', 'flowgate+@flowgate.test', 'flowgate+x@flowgate.test', 'flowgate+run-1-deadbeef@flowgate.test.evil', 'flowgate+run-1-DEADBEEF@flowgate.test', 'flowgate+r%n-1-deadbeef@flowgate.test', 'xflowgate+run-1-deadbeef@flowgate.test'])
    expect(runIdOfEmail(e), e).toBeUndefined();
});

test('a tenant is owned only when it has users and every one is an own harness account', () => {
  const mine = 'flowgate+run-0-00000001@flowgate.test';
  const other = 'flowgate+run-1-00000002@flowgate.test';
  const own = new Set([mine]);
  expect(tenantOwnership('ten_1', [{ email: mine }], own)).toEqual({ owned: true });
  // another account of the same run is not this test's: its tenant is not this test's to delete
  expect(tenantOwnership('ten_1', [{ email: mine }, { email: other }], own)).toMatchObject({ owned: false, why: expect.stringContaining(other) });
  // a real user: named masked, never copied whole
  const real = tenantOwnership('ten_1', [{ email: mine }, { email: 'dana.real@customer.example' }], own);
  expect(real).toMatchObject({ owned: false, why: expect.stringContaining('d***@customer.example') });
  expect(JSON.stringify(real)).not.toContain('dana.real');
  expect(tenantOwnership('', [{ email: mine }], own)).toMatchObject({ owned: false, why: expect.stringContaining('empty tenant id') });
  expect(tenantOwnership('ten_1', [], own)).toMatchObject({ owned: false, why: expect.stringContaining('no user') });
  // an own set that somehow holds a non-harness address still proves nothing for it
  expect(tenantOwnership('ten_1', [{ email: 'dana@customer.example' }], new Set(['dana@customer.example'])).owned).toBe(false);
  // a real user is named the same way whichever of the run's tests meets the tenant (the verdict says it once)
  const a = tenantOwnership('ten_1', [{ email: mine }, { email: other }, { email: 'dana@customer.example' }], own);
  const b = tenantOwnership('ten_1', [{ email: mine }, { email: other }, { email: 'dana@customer.example' }], new Set([other]));
  expect(a).toEqual(b);
  expect(a).toEqual({ owned: false, why: 'it also holds 1 user(s) that are not flowgate accounts (d***@customer.example)' });
});

test('the row bound: max per id times the ids; one more row is refused naming the table', () => {
  expect(() => checkRowBound('ASSETS_DB_URL', 'assets', 'assetId', 2, 1, 2)).not.toThrow();
  expect(() => checkRowBound('ASSETS_DB_URL', 'assets', 'tenantId', 0, 1, 1)).not.toThrow();
  const err = (() => {
    try {
      checkRowBound('ASSETS_DB_URL', 'assets', 'tenantId', 101, 100, 1);
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(RowBoundExceeded);
  expect((err as Error).message).toBe('ASSETS_DB_URL: DELETE FROM assets by tenantId would delete 101 row(s), more than the 100 this cleanup can have made; rolled back');
});

test('durations, notes and masks', () => {
  expect(parseDuration('0s')).toBe(0);
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('3h')).toBe(10_800_000);
  expect(parseDuration('2d')).toBe(172_800_000);
  for (const bad of ['', '3', 'h', '-1h', '1.5h', '3 hours', '1w']) expect(parseDuration(bad), bad).toBeUndefined();
  expect(refusedNote('ten_x', 'why')).toBe('cleanup refused: tenant "ten_x" was not deleted: why; its rows stay');
  expect(parseCleanupNotes(JSON.stringify({ notes: ['a', 2, 'b'] }))).toEqual(['a', 'b']);
  expect(parseCleanupNotes('not json')).toEqual([]);
  expect(maskEmail('dana@customer.example')).toBe('d***@customer.example');
  expect(maskEmail('nope')).toBe('***');
});
