// Unit test of escapeRegExp: every special character is taken literally.
import { test, expect } from '@playwright/test';
import { escapeRegExp } from './regex';

test('an escaped string matches itself only, special characters and all', () => {
  const s = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
  const re = new RegExp(`^${escapeRegExp(s)}$`);
  expect(re.test(s)).toBe(true);
  expect(re.test(s.replace('.', 'x'))).toBe(false);
  expect(new RegExp(escapeRegExp('auth.spec.ts')).test('authXspecXts')).toBe(false);
});
