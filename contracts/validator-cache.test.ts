// The kept validators (contracts/validator-cache.ts, through Contracts): a second process reads them instead of compiling, and they judge every value as a fresh compile does.
import { test, expect } from '@playwright/test';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contracts } from './index';

const GOOD_REGISTERED = {
  userId: 'u-1',
  tenantId: 't-1',
  email: 'a@example.com',
  verificationToken: 'x'.repeat(16),
  registeredAt: '2026-12-06T10:00:00Z',
  traceId: 'tr-1',
};
// a wrong format (email, date-time), a too-short string, a missing field, wrong types, no object at all
const SAMPLES: unknown[] = [
  GOOD_REGISTERED,
  { ...GOOD_REGISTERED, email: 'not-an-email' },
  { ...GOOD_REGISTERED, registeredAt: 'yesterday' },
  { ...GOOD_REGISTERED, verificationToken: 'short' },
  { ...GOOD_REGISTERED, traceId: undefined },
  { userId: 1, tenantId: null },
  {},
  [],
  null,
  'x',
];

/** Every validator of the contracts on every sample: topic payloads and headers, route responses, components. */
function verdicts(c: Contracts): string[] {
  const out: string[] = [];
  const topic = (name: string) => (name.includes('{') ? c.concreteTopics().find((t) => c.topicFor(t)?.name === name)! : name);
  for (const t of c.topics)
    for (const s of SAMPLES) {
      out.push(`${t.name} payload ${JSON.stringify(c.validatePayload(topic(t.name), s))}`);
      out.push(`${t.name} headers ${JSON.stringify(c.validateHeaders(topic(t.name), s as any))}`);
    }
  for (const r of c.routes) for (const code of Object.keys(r.responses)) for (const s of SAMPLES) out.push(`${r.operationId} ${code} ${JSON.stringify(c.validateResponse(r.operationId, Number(code), s))}`);
  for (const s of SAMPLES) out.push(`Health ${JSON.stringify(c.validateSchema('Health', s))}`);
  return out;
}

test('kept validators are read by the next instance without compiling, and judge every value exactly as a fresh compile does', async ({}, testInfo) => {
  const dir = testInfo.outputPath('validators');
  const fresh = new Contracts(undefined, undefined, { validatorCache: false });
  const expected = verdicts(fresh);
  // positive and negative controls: the samples do pass and fail, with formats checked
  expect(expected.some((v) => v.includes('"ok":true'))).toBe(true);
  expect(expected.find((v) => v.startsWith('cert-ix.auth.user.registered.success payload') && v.includes('email')), 'the email format is checked').toContain('must match format');
  expect(fresh.validatorStats.fromCache).toBe(0);

  const first = new Contracts(undefined, undefined, { validatorCache: dir });
  expect(verdicts(first)).toEqual(expected);
  const kept = readdirSync(dir).filter((f) => f.endsWith('.js'));
  expect(kept.length, 'one module per distinct schema').toBeGreaterThan(10);
  // an empty cache: each distinct schema compiled once (and kept), a repeated one read back
  expect(first.validatorStats.compiled).toBe(kept.length);

  const second = new Contracts(undefined, undefined, { validatorCache: dir });
  expect(verdicts(second)).toEqual(expected);
  expect(second.validatorStats, 'every validator came from the cache').toEqual({ fromCache: first.validatorStats.compiled + first.validatorStats.fromCache, compiled: 0 });
});

test('a kept validator that does not load is compiled again and replaced', async ({}, testInfo) => {
  const dir = testInfo.outputPath('validators');
  const expected = verdicts(new Contracts(undefined, undefined, { validatorCache: false }));
  verdicts(new Contracts(undefined, undefined, { validatorCache: dir }));
  const files = readdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f), 'this is not javascript (');
  // as a new process finds them: not in this one's require cache
  for (const k of Object.keys(require.cache)) if (k.startsWith(dir)) delete require.cache[k];
  const broken = new Contracts(undefined, undefined, { validatorCache: dir });
  expect(verdicts(broken)).toEqual(expected);
  expect(broken.validatorStats.compiled, 'each broken one compiled again').toBe(files.length);
  const again = new Contracts(undefined, undefined, { validatorCache: dir });
  verdicts(again);
  expect(again.validatorStats.compiled, 'replaced').toBe(0);
});
