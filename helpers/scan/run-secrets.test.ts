// Unit tests of the run's secret ledger: private and outside reports/, appended and read back, and the credentials an exchange or a configuration holds.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSecrets, createLedger, exchangeSecrets, LEDGER_VAR, readLedger, recordSecrets, removeLedger, secretFields } from './run-secrets';

test('the ledger is a 0600 file in its own 0700 folder outside the reports folder, removed whole', () => {
  const reports = mkdtempSync(join(tmpdir(), 'flowgate-reports-'));
  try {
    const file = createLedger(reports, 'fg-20261207-abc');
    expect(file.startsWith(reports)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(file).toContain('flowgate-secrets-fg-20261207-abc-');
    removeLedger(file);
    expect(existsSync(join(file, '..'))).toBe(false);
    // A temporary folder inside the reports folder would put the ledger among the uploaded files: refused.
    const inner = join(reports, 'tmp');
    mkdirSync(inner);
    expect(() => createLedger(reports, 'r', inner)).toThrow(/would be under the reports folder/);
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
});

test('recorded values are read back once each, first kind kept; a torn line is skipped; no ledger, no record', () => {
  const file = createLedger(mkdtempSync(join(tmpdir(), 'flowgate-reports-')), 'r');
  try {
    const env = { [LEDGER_VAR]: file };
    recordSecrets([{ kind: 'accessToken', value: 'tok-aaaaaaaaaaaa' }, { kind: 'bearer credential sent', value: 'tok-aaaaaaaaaaaa' }, { kind: 'x', value: 'abc' }], env);
    recordSecrets([{ kind: 'password', value: 'Fg!line\nbreak' }], env);
    appendFileSync(file, '{"kind":"torn","val');
    expect(readLedger(file)).toEqual([
      { kind: 'accessToken', value: 'tok-aaaaaaaaaaaa' },
      { kind: 'password', value: 'Fg!line\nbreak' },
    ]);
    // The same value again is not written again (a token used for many calls).
    const before = readFileSync(file, 'utf8');
    recordSecrets([{ kind: 'accessToken', value: 'tok-aaaaaaaaaaaa' }], env);
    expect(readFileSync(file, 'utf8')).toBe(before);
    recordSecrets([{ kind: 'accessToken', value: 'tok-bbbbbbbbbbbb' }], {});
    expect(readLedger(file).map((s) => s.value)).not.toContain('tok-bbbbbbbbbbbb');
    expect(readLedger(undefined)).toEqual([]);
    // The ledger's own path is not a configured secret (its variable's name says nothing secret).
    expect(configSecrets({ [LEDGER_VAR]: file })).toEqual([]);
  } finally {
    removeLedger(file);
  }
});

test("an exchange's credentials: the token sent, credential headers, cookies received, credential fields of both bodies", () => {
  const got = exchangeSecrets({
    request: { headers: { accept: 'application/json', authorization: 'Bearer eyJ.sent.token', 'x-api-key': 'staging-api-key-1' }, body: { email: 'a@b.test', password: 'Fg!hunter22' } },
    response: {
      headers: { 'content-type': 'application/json', 'set-cookie': 'sid=cookie-value-1; Path=/; HttpOnly, other=v2; Secure' },
      body: { accessToken: 'eyJ.access.token', refreshToken: 'refresh-opaque-1', user: { id: 'usr_1', csrfToken: 'not-a-credential' } },
    },
  });
  expect(got).toEqual([
    { kind: 'bearer credential sent', value: 'eyJ.sent.token' },
    { kind: 'x-api-key header sent', value: 'staging-api-key-1' },
    { kind: 'cookie received', value: 'cookie-value-1' },
    { kind: 'cookie received', value: 'v2' },
    { kind: 'password', value: 'Fg!hunter22' },
    { kind: 'accessToken', value: 'eyJ.access.token' },
    { kind: 'refreshToken', value: 'refresh-opaque-1' },
  ]);
  // A database row's verification token.
  expect(secretFields([{ email: 'a@b.test', token: 'verify-123456' }])).toEqual([{ kind: 'token', value: 'verify-123456' }]);
});

test("a probe's forged token is no credential: skipped, while the exchange's other credentials are still recorded", () => {
  const ex = { request: { headers: { authorization: 'Bearer not-a-jwt.flowgate.probe', 'x-api-key': 'staging-api-key-1' } }, response: { headers: {}, body: { accessToken: 'eyJ.access.token' } } };
  // positive control: the same exchange without the flag records the token
  expect(exchangeSecrets(ex).map((s) => s.value)).toContain('not-a-jwt.flowgate.probe');
  expect(exchangeSecrets({ ...ex, forgedToken: true })).toEqual([
    { kind: 'x-api-key header sent', value: 'staging-api-key-1' },
    { kind: 'accessToken', value: 'eyJ.access.token' },
  ]);
});

test("the configuration's secrets are named by the variable that holds them", () => {
  const env = {
    KAFKA_SASL_PASSWORD: 'sasl-pw-123',
    AUTH_DB_URL: 'postgres://app:db%2Fpw%40x@db:5432/auth',
    KONG_EXTRA_HEADERS: '{"x-api-key":"k-123456"}',
    STRIPE_WEBHOOK_SECRET: 'whsec_abcdef',
    KONG_URL: 'https://gw.example',
  };
  expect(configSecrets(env).sort((a, b) => (a.value < b.value ? -1 : 1))).toEqual([
    { kind: 'AUTH_DB_URL password', value: 'db%2Fpw%40x' },
    { kind: 'AUTH_DB_URL password', value: 'db/pw@x' },
    { kind: 'KONG_EXTRA_HEADERS value', value: 'k-123456' },
    { kind: 'KAFKA_SASL_PASSWORD', value: 'sasl-pw-123' },
    { kind: 'STRIPE_WEBHOOK_SECRET', value: 'whsec_abcdef' },
  ]);
});
