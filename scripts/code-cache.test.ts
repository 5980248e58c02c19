// scripts/code-cache.cjs from the outside: Node's compile cache is written and reused, behaviour is unchanged, and an old Node is refused in one line.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HOOK = join(__dirname, 'code-cache.cjs');
const THROW_LINE = 3;

function layout(root: string) {
  const pkg = join(root, 'node_modules', 'big');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'helper.js'), 'module.exports = (a, b) => a + b;\n');
  writeFileSync(
    join(pkg, 'index.js'),
    [
      "'use strict';",
      'const add = require("./helper");',
      'exports.boom = () => { throw new Error("boom from big"); };',
      'exports.info = () => ({ sum: add(2, 3), file: __filename, self: module.exports === exports, isMain: require.main === module });',
      'exports.load = () => import("node:path").then((p) => typeof p.join);',
    ].join('\n'),
  );
  return pkg;
}

const SCRIPT = (pkg: string) => `
const big = require(${JSON.stringify(pkg)});
let stack = '';
try { big.boom(); } catch (e) { stack = e.stack.split('\\n').slice(0, 2).join(' | '); }
big.load().then((t) => console.log(JSON.stringify({ ...big.info(), stack, dynamicImport: t })));
`;

function run(root: string, cacheDir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--require', HOOK, '-e', SCRIPT(join(root, 'node_modules', 'big'))], {
    encoding: 'utf8',
    env: { ...process.env, FLOWGATE_CODE_CACHE: '', FLOWGATE_CODE_CACHE_DIR: cacheDir, FLOWGATE_CODE_CACHE_STATS: '1', ...env },
    timeout: 30_000,
  });
  expect(r.status, `node exited 0; stderr: ${r.stderr}`).toBe(0);
  return { out: r.stdout.trim(), stats: /flowgate code cache: (\w+) in /.exec(r.stderr)?.[1] };
}

test('the compile cache is written at exit, reused next time, and the modules behave as without it', async ({}, testInfo) => {
  const root = testInfo.outputPath('root');
  const cache = testInfo.outputPath('cache');
  layout(root);
  const plain = run(root, cache, { FLOWGATE_CODE_CACHE: '0' });
  expect(plain.stats, 'FLOWGATE_CODE_CACHE=0: the hook does nothing').toBeUndefined();
  const info = JSON.parse(plain.out);
  expect(info).toMatchObject({ sum: 5, self: true, isMain: false, dynamicImport: 'function' });
  expect(info.stack).toContain(`index.js:${THROW_LINE}`);

  const first = run(root, cache);
  expect(first.stats).toBe('ENABLED');
  const files = readdirSync(cache, { recursive: true });
  expect(files.length, 'the first run wrote the cache').toBeGreaterThan(0);
  expect(first.out, 'same behaviour as plain Node').toBe(plain.out);

  const second = run(root, cache);
  expect(second.out, 'same behaviour as plain Node, stack trace line and dynamic import included').toBe(plain.out);
  expect(readdirSync(cache, { recursive: true }).sort(), 'the second run reused the cache (no new entries)').toEqual(files.sort());
});

test('supported(): Node 22.22 and later; an older Node is refused with one line naming the way to a supported one', () => {
  const { supported, refusal } = require('./supported-node.cjs') as { supported: (v: string) => boolean; refusal: (v: string, p: string) => string };
  for (const ok of ['22.22.0', 'v22.23.1', '24.0.0', 'v24.21.0', '26.1.0']) expect(supported(ok), ok).toBe(true);
  for (const old of ['20.20.2', 'v22.21.9', '18.0.0', 'garbage', '']) expect(supported(old), old).toBe(false);
  const line = refusal('v20.20.2', '/usr/bin/node');
  expect(line).not.toContain('\n');
  expect(line).toMatch(/v20\.20\.2.*\/usr\/bin\/node.*>= 22\.22\.0.*npm run smoke.*Node 24/);
});

test('the preload refuses an unsupported Node before anything runs', () => {
  // the machine's system Node when it is older than the minimum; skipped where no such Node is installed
  const old = spawnSync('/usr/bin/node', ['-p', 'process.version'], { encoding: 'utf8' });
  const { supported } = require('./supported-node.cjs') as { supported: (v: string) => boolean };
  test.skip(old.status !== 0 || supported(old.stdout.trim()), 'no unsupported Node at /usr/bin/node on this machine');
  const r = spawnSync('/usr/bin/node', ['--require', HOOK, '-e', 'console.log("ran")'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain('needs Node >= 22.22.0');
});

test('this worker runs on a supported Node (npm test puts the Node that npm ci installed first on PATH)', () => {
  const { supported } = require('./supported-node.cjs') as { supported: (v: string) => boolean };
  expect(supported(process.version), `${process.version} at ${process.execPath}`).toBe(true);
});
