// Static checks that hold the code, the FLOWGATE_* table (helpers/config.ts) and .env.example to each other.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { FLOWGATE_VARS, checkFlowgateVars } from '../../helpers/config/config';
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

test('every FLOWGATE_* variable the code names is in the table of helpers/config.ts', () => {
  const named = new Map<string, string>();
  for (const f of sourceFiles()) for (const m of readFileSync(f, 'utf8').matchAll(/\bFLOWGATE_[A-Z0-9_]*[A-Z0-9]\b/g)) if (m[0] !== 'FLOWGATE_VARS') named.set(m[0], relative(repoRoot, f));
  // positive control: the walk sees the code that reads them
  expect(named.get('FLOWGATE_WORKERS')).toBeDefined();
  const unknown = [...named].filter(([v]) => !(v in FLOWGATE_VARS)).map(([v, f]) => `${v} (${f})`);
  expect(unknown).toEqual([]);
});

test('every FLOWGATE_* variable has its line in .env.example with a comment above, and the example values pass the checker', () => {
  const lines = envExample.split('\n');
  const missing: string[] = [];
  for (const v of Object.keys(FLOWGATE_VARS)) {
    const i = lines.findIndex((l) => l.startsWith(`${v}=`));
    if (i < 0 || !/^#\s*\S/.test(lines[i - 1] ?? '')) missing.push(v);
  }
  expect(missing).toEqual([]);
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
