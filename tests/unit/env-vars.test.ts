// Static checks that hold the code, the configuration schema (helpers/config/schema.ts), .env.example and docs/configuration.md to each other.
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { CONFIG_VARS, FLOWGATE_VARS, checkFlowgateVars } from '../../helpers/config/config';
import { renderConfigTable } from '../../helpers/config/table';
import { secretsFromEnv } from '../../helpers/redact';
import { decideTarget, TARGET_VARS } from '../../helpers/config/target';
import { targetRefusals } from '../../helpers/config/target-safety';

const repoRoot = join(__dirname, '..', '..');
const SKIP = new Set(['node_modules', '.cache', '.git', 'reports', 'test-results', 'allure-report']);

/** The repository's own source: TypeScript, CommonJS preloads, shell, YAML, the CI entry point. */
function sourceFiles(dir = repoRoot): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (SKIP.has(n) && dir === repoRoot) return [];
    if (statSync(p).isDirectory()) return n === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|cjs|sh|ya?ml)$/.test(n) || relative(repoRoot, p) === join('.ci', 'run') || n === 'Dockerfile' ? [p] : [];
  });
}

const envExample = readFileSync(join(repoRoot, '.env.example'), 'utf8');

test('every FLOWGATE_* variable the code names is in the schema', () => {
  const named = new Map<string, string>();
  for (const f of sourceFiles()) for (const m of readFileSync(f, 'utf8').matchAll(/\bFLOWGATE_[A-Z0-9_]*[A-Z0-9]\b/g)) if (m[0] !== 'FLOWGATE_VARS') named.set(m[0], relative(repoRoot, f));
  // positive control: the walk sees the code that reads them
  expect(named.get('FLOWGATE_WORKERS')).toBeDefined();
  const unknown = [...named].filter(([v]) => !(v in FLOWGATE_VARS)).map(([v, f]) => `${v} (${f})`);
  expect(unknown).toEqual([]);
});

test('every variable of the schema has its line in .env.example with a comment above, every line there is in the schema, and the example values pass the checker', () => {
  const lines = envExample.split('\n');
  const missing: string[] = [];
  for (const v of Object.keys(CONFIG_VARS)) {
    // the target's own variables are commented out (#NAME=…): set, they switch the run to that target
    const i = lines.findIndex((l) => l.startsWith(`${v}=`) || l.startsWith(`#${v}=`));
    if (i < 0 || !/^#\s*\S/.test(lines[i - 1] ?? '') || /^#[A-Z]/.test(lines[i - 1])) missing.push(v);
  }
  expect(missing).toEqual([]);
  const named = lines.map((l) => /^#?([A-Z][A-Z0-9_]*)=/.exec(l)?.[1]).filter((v): v is string => !!v);
  // positive control: the walk sees the file's lines
  expect(named).toContain('KONG_URL');
  expect(named.filter((v) => !(v in CONFIG_VARS))).toEqual([]);
  const { problems } = checkFlowgateVars(parseDotenv(envExample), { cwd: repoRoot });
  expect(problems).toEqual([]);
});

test('no FLOWGATE_* variable is read around the checker with a bare Number() or truthiness', () => {
  const bad: string[] = [];
  for (const f of sourceFiles()) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    readFileSync(f, 'utf8').split('\n').forEach((l, i) => {
      if (/Number\(\s*process\.env\.FLOWGATE_|process\.env\.FLOWGATE_[A-Z_]+\s*&&|\['1', 'true'/.test(l)) bad.push(`${relative(repoRoot, f)}:${i + 1}: ${l.trim()}`);
    });
  }
  expect(bad).toEqual([]);
});

test('nothing in the repository reads outside it (the schemas and the seed are not beside a clone)', () => {
  const bad: string[] = [];
  for (const f of sourceFiles()) {
    const t = readFileSync(f, 'utf8');
    if (/['"`]\.\.['"`],\s*['"`]shared['"`]|\.\.\/shared\/|\/work\/shared/.test(t)) bad.push(relative(repoRoot, f));
  }
  expect(bad).toEqual([]);
});

test('.env.example copied as is keeps the embedded stack; its commented target lines, uncommented, make a complete staging target', () => {
  expect(decideTarget(parseDotenv(envExample))).toMatchObject({ ok: true, kind: 'embedded' });
  const lines = envExample.split('\n');
  for (const v of TARGET_VARS) expect(lines.filter((l) => l.startsWith(`#${v}=`)), `#${v}= in .env.example`).toHaveLength(1);
  const uncommented = envExample.replace(new RegExp(`^#(?=(${TARGET_VARS.join('|')})=)`, 'gm'), '');
  expect(decideTarget({ ...parseDotenv(uncommented), FLOWGATE_TARGET: 'staging' })).toMatchObject({ ok: true, kind: 'staging' });
  // and one that sends nothing in clear: start-up does not refuse it without --plaintext
  expect(targetRefusals(parseDotenv(uncommented), { kind: 'staging', plaintext: false })).toEqual([]);
});

test('docs/configuration.md, when present, names every variable; the generated table lists each exactly once', () => {
  const table = renderConfigTable();
  for (const v of Object.keys(CONFIG_VARS)) expect(table.split(`| \`${v}\` |`).length - 1, `${v} in the generated table`).toBe(1);
  const doc = join(repoRoot, 'docs', 'configuration.md');
  if (!existsSync(doc)) return;
  const text = readFileSync(doc, 'utf8');
  expect(Object.keys(CONFIG_VARS).filter((v) => !text.includes(`\`${v}\``))).toEqual([]);
});

test("every target variable the schema marks secret is one the redactor learns from the environment", () => {
  const sample: Record<string, string> = { KONG_EXTRA_HEADERS: '{"apikey":"k-3f9a7c21"}', REDIS_URL: 'rediss://u:pw-3f9a7c21@cache.example:6379' };
  const missed: string[] = [];
  for (const [name, spec] of Object.entries(CONFIG_VARS)) {
    if (spec.scope !== 'target' || !('secret' in spec && spec.secret)) continue;
    const value = sample[name] ?? (name.endsWith('_DB_URL') ? 'postgres://u:pw-3f9a7c21@db.example/x' : 'value-3f9a7c21');
    if (!secretsFromEnv({ [name]: value }).some((s) => s.includes('3f9a7c21'))) missed.push(name);
  }
  expect(missed).toEqual([]);
  // and a variable the schema calls public is not taken for one
  expect(secretsFromEnv({ KAFKA_BROKERS: 'b1.example:9093' })).toEqual([]);
});

test('no variable of the schema is read raw outside the configuration code, except where the allowance says why', () => {
  // the embedded stack reads its own (it imports nothing of the harness); Playwright's config hands the run id on
  const allowed = [/^stack\//, /^helpers\/config\//, /^playwright\.config\.ts$/];
  const names = Object.keys(CONFIG_VARS).join('|');
  const raw = new RegExp(`process\\.env(\\.(${names})\\b|\\[['"](${names})['"]\\])`);
  // positive control: the pattern sees a raw read
  expect(raw.test('const u = process.env.KONG_URL;')).toBe(true);
  const bad: string[] = [];
  for (const f of sourceFiles()) {
    const rel = relative(repoRoot, f);
    if (!f.endsWith('.ts') || f.endsWith('.test.ts') || rel.startsWith('tests/') || allowed.some((a) => a.test(rel))) continue;
    readFileSync(f, 'utf8').split('\n').forEach((l, i) => {
      // a write hands a decision on to the next process (npm run smoke → global setup); only reads are checked
      if (raw.test(l) && !/process\.env\.[A-Z_]+\s*=[^=]/.test(l)) bad.push(`${rel}:${i + 1}: ${l.trim()}`);
    });
  }
  expect(bad).toEqual([]);
});
