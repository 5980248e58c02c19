// Unit tests of the stored-state errors: the DB probe or Redis key, what was expected and what was found.
import { test, expect } from '@playwright/test';
import { DbStateMismatch, RedisStateMismatch } from '.';

test('DbStateMismatch and RedisStateMismatch are database state, naming probe/key, expected and got', () => {
  const d = new DbStateMismatch({ probe: 'audit.register', expected: 'one audit row', got: [], params: { userId: 'u1' } });
  expect(String(d)).toBe('DbStateMismatch: probe audit.register ({"userId":"u1"}) expected one audit row, got no rows');
  expect(d.category).toBe('database state');
  expect(new DbStateMismatch({ probe: 'p', expected: 'tier pro', got: [{ tier: 'free' }] }).message).toContain('got 1 row: [{"tier":"free"}]');
  const r = new RedisStateMismatch({ key: 'blacklist:abc', expected: 'the token blacklisted', got: null });
  expect(String(r)).toBe('RedisStateMismatch: redis key blacklist:abc expected the token blacklisted, got nothing');
  expect(r.category).toBe('database state');
});
