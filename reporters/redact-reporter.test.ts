// Tests of the redacting reporter on real Playwright runs: a leaky throwaway test (tokens in errors, step titles, output and attachments) leaves no secret in the console, junit.xml, the blob zip or allure-results, and does without the reporter.
import { test, expect } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactsUnder } from '../tests/artifacts';
import RedactReporter, { isTextual, redactBody } from './redact-reporter';
import { createRedactor, REDACTED } from '../helpers/redact';

const ROOT = join(__dirname, '..');
const CLI = require.resolve('@playwright/test/cli', { paths: [ROOT] });

const PLANTED = {
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.UGxhbnRlZFNpZ25hdHVyZQ',
  refresh: 'rt_PlantedRefresh_0123456789',
  dbPassword: 'Pl4nted/DbPw',
  kafka: 'PlantedKafkaPw-77',
};
const SECRETS = [PLANTED.jwt.split('.')[2], PLANTED.refresh, PLANTED.dbPassword, PLANTED.kafka];

const spec = (root: string) => `// throwaway leaky test for the redact reporter's tests
import { test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { redactProcessOutput, redactorFromEnv } from ${JSON.stringify(join(root, 'helpers', 'config', 'secrets'))};
// what fixtures/target.ts's _output worker fixture does
if (!process.env.FG_NO_REDACT) redactProcessOutput(redactorFromEnv(process.env));
// from the environment, so the test's source (quoted by Playwright's error context) holds none of them
const P = JSON.parse(process.env.FG_PLANTED!);
test('leaky', async ({}, testInfo) => {
  console.log('token ' + P.jwt + ' kafka ' + P.kafka);
  console.error('refreshToken=' + P.refresh);
  await testInfo.attach('login', { body: JSON.stringify({ accessToken: P.jwt, refreshToken: P.refresh, note: 'kafka ' + P.kafka }), contentType: 'application/json' });
  await testInfo.attach('big text', { body: 'Bearer ' + P.jwt + '\\n' + 'x'.repeat(200000), contentType: 'text/plain' });
  // a file from elsewhere: Playwright copies it into the test's output folder, where the reporter rewrites the copy
  const file = require('node:path').join(require('node:os').tmpdir(), 'flowgate-leaky-' + process.pid + '.txt');
  writeFileSync(file, 'password=' + P.kafka + ' ' + P.jwt);
  await testInfo.attach('file', { path: file, contentType: 'text/plain' });
  await test.step('login with ' + P.jwt, async () => {
    throw new Error('login answered {"accessToken":"' + P.jwt + '","refreshToken":"' + P.refresh + '"} via postgres://u:' + P.dbPassword + '@h/db');
  });
});
`;

const config = (root: string, out: string) => `
import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '.',
  outputDir: ${JSON.stringify(join(out, 'test-results'))},
  reporter: [
    ...(process.env.FG_NO_REDACT ? [] : [[${JSON.stringify(join(root, 'reporters', 'redact-reporter.ts'))}]]),
    ['list', { printSteps: true }],
    ['junit', { outputFile: ${JSON.stringify(join(out, 'junit.xml'))} }],
    ['blob', { outputDir: ${JSON.stringify(join(out, 'blob'))} }],
    [${JSON.stringify(join(root, 'reporters', 'allure-reporter.ts'))}, { resultsDir: ${JSON.stringify(join(out, 'allure-results'))} }],
  ] as any,
});
`;

async function leakyRun(redacted: boolean): Promise<{ out: string; dir: string; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-redact-'));
  const out = join(dir, 'reports');
  // the throwaway project resolves @playwright/test from flowgate's own node_modules
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'leaky.spec.ts'), spec(ROOT));
  writeFileSync(join(dir, 'playwright.config.ts'), config(ROOT, out));
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', KAFKA_SASL_PASSWORD: PLANTED.kafka, AUTH_DB_URL: `postgres://u:${PLANTED.dbPassword}@h/db`, PLAYWRIGHT_BLOB_OUTPUT_DIR: join(out, 'blob'), FG_PLANTED: JSON.stringify(PLANTED) };
  if (!redacted) env.FG_NO_REDACT = '1';
  else delete env.FG_NO_REDACT;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'test', '-c', join(dir, 'playwright.config.ts'), '--workers=1'], { cwd: dir, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ out: `${stdout}${stderr}`, dir, code: err ? ((err as any).code ?? 1) : 0 }),
    );
  });
}

test.describe.configure({ mode: 'parallel' });

test('a leaky test leaves no secret in the console, junit.xml, the blob zip, allure-results or its attachment files', async () => {
  const run = await leakyRun(true);
  try {
    expect(run.code, run.out).toBe(1);
    expect(run.out, run.out).toContain('leaky');
    const files = artifactsUnder(join(run.dir, 'reports'));
    // every writer wrote something: the scan below looks at real files
    for (const w of ['junit.xml', 'blob/', 'allure-results/', 'test-results/']) expect(files.some((f) => f.path.startsWith(w)), `${w} written`).toBe(true);
    expect(files.some((f) => f.path.includes('.zip!report.jsonl')), 'the blob zip was opened').toBe(true);
    for (const s of SECRETS) {
      expect(run.out, `console shows ${s}`).not.toContain(s);
      for (const f of files) expect(f.text, `${f.path} holds ${s}`).not.toContain(s);
    }
    expect(run.out).toContain(REDACTED);
    // The JSON attachment stays JSON with its token fields blanked; the big text one is capped with a marker.
    const allure = files.filter((f) => f.path.startsWith('allure-results/'));
    expect(allure.some((f) => f.text.includes(`"refreshToken":"${REDACTED}"`)), 'login attachment redacted in place').toBe(true);
    const big = allure.find((f) => f.text.includes('bytes more]'));
    expect(big, 'the 200 kB attachment is capped').toBeTruthy();
    expect(big!.text.length).toBeLessThan(70_000);
  } finally {
    rmSync(run.dir, { recursive: true, force: true });
  }
});

test('without the redacting reporter and the worker output redaction, the same run leaks (the check above can fail)', async () => {
  const run = await leakyRun(false);
  try {
    const files = artifactsUnder(join(run.dir, 'reports'));
    const leaks = (where: string, text: string) => SECRETS.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`);
    const found = [...leaks('console', run.out), ...files.flatMap((f) => leaks(f.path, f.text))];
    for (const where of ['console', 'junit.xml', 'blob/', 'allure-results/']) expect(found.some((l) => l.startsWith(where)), `${where} leaks without redaction`).toBe(true);
  } finally {
    rmSync(run.dir, { recursive: true, force: true });
  }
});

test('global errors, causes and kept output chunks are redacted in place; binary attachments are left alone', () => {
  const r = new RedactReporter({ env: { KAFKA_SASL_PASSWORD: PLANTED.kafka } });
  r.onBegin({ projects: [] } as any, {} as any);
  const error: any = { message: `boom ${PLANTED.kafka}`, stack: `Error: boom ${PLANTED.jwt}`, value: `Bearer abc.def`, cause: { message: `"refreshToken":"${PLANTED.refresh}"` } };
  r.onError(error);
  expect(JSON.stringify(error)).not.toMatch(new RegExp(SECRETS.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')));
  const chunk = `kafka ${PLANTED.kafka}\n`;
  const result: any = { stdout: [chunk], stderr: [] };
  r.onStdOut(chunk, undefined, result);
  expect(result.stdout[0]).toBe(`kafka ${REDACTED}\n`);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
  const a: any = { name: 'shot', contentType: 'image/png', body: png };
  r.redactAttachment(a);
  expect(a.body).toBe(png);
  expect(isTextual('image/svg+xml')).toBe(true);
  expect(isTextual('application/vnd.allure.message+json')).toBe(true);
  expect(isTextual('application/zip')).toBe(false);
  // JSON bodies stay parseable (the verdict reads evidence attachments after this reporter): a header line inside a
  // string would take its closing quote in a text pass, so such a body goes the structured way
  expect(JSON.parse(redactBody(Buffer.from(JSON.stringify({ a: 'x cookie: y', 'k cookie: z': 1 })), 'application/json', createRedactor([])).toString())).toEqual({ a: `x cookie: ${REDACTED}`, [`k cookie: ${REDACTED}`]: 1 });
  const body = redactBody(Buffer.from(JSON.stringify({ data: { cookie: 'sid=1', note: 'x authorization: y' } }, null, 2)), 'application/json', createRedactor([]));
  expect(JSON.parse(body.toString())).toEqual({ data: { cookie: REDACTED, note: `x authorization: ${REDACTED}` } });
  // plain text is capped at 64 KiB; an SVG (a flow's timeline) only at 1 MiB, so a real one is never cut open
  const svg = `<svg xmlns="http://www.w3.org/2000/svg">${'<text>Bearer abc.def</text>'.repeat(4000)}</svg>`;
  const safeSvg = redactBody(Buffer.from(svg), 'image/svg+xml', createRedactor([])).toString();
  expect(safeSvg).toMatch(/<\/svg>$/);
  expect(safeSvg).not.toContain('abc.def');
  expect(redactBody(Buffer.from('y'.repeat(100_000)), 'text/plain', createRedactor([])).toString()).toMatch(/^y{65536}… \[34464 bytes more\]$/);
});
