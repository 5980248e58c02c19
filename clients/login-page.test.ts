// Tests of the login-page helpers: the password goes in as trusted input, only into a masked field, and never out in an error.
import { test, expect, chromium } from '@playwright/test';
import { chromiumExecutable } from '../helpers/config/config';
import { typeSecret, withoutSecret } from './login-page';

const secret = 'Fg!s3cret value/with+signs';

test('withoutSecret removes the secret, plain and URL-encoded, from message and stack', () => {
  const err = new Error(`expected /dashboard, got /login?email=a%40b.test&password=${encodeURIComponent(secret).replace(/%20/g, '+')} (typed ${secret})`);
  withoutSecret(err, secret);
  expect(err.message).not.toContain(secret);
  expect(err.message).not.toContain(encodeURIComponent(secret).replace(/%20/g, '+'));
  expect(err.message).toContain('password=[REDACTED]');
  expect(err.stack).not.toContain(secret);
  expect(withoutSecret({ message: 'nothing here' }, secret).message).toBe('nothing here');
});

test('typeSecret types into a password field as trusted input, and refuses a field that shows what is typed', async () => {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(process.env), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setContent(`<label>Password <input type="password" name="pw"></label><label>Visible <input type="text" name="plain"></label>
      <script>window.trusted = []; document.querySelector('[name=pw]').addEventListener('input', (e) => window.trusted.push(e.isTrusted));</script>`);
    await typeSecret(page.getByLabel('Password'), secret, 2_000);
    expect(await page.getByLabel('Password').inputValue()).toBe(secret);
    expect(await page.evaluate(() => (window as any).trusted)).toEqual([true]);

    const refused = await typeSecret(page.getByLabel('Visible'), secret, 500).then(() => undefined, (e: Error) => e);
    expect(refused?.message).toContain('the password field masks what is typed (type=password)');
    expect(await page.getByLabel('Visible').inputValue()).toBe('');
  } finally {
    await browser.close();
  }
});
