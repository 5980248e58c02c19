// scripts/code-cache.cjs from the outside: a node_modules module loads from V8's cache the second time and behaves exactly as without it.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const HOOK = join(__dirname, 'code-cache.cjs');
// Above the hook's small-file threshold: a module this size is cached.
const PADDING = `/* ${'x'.repeat(20_000)} */\n`;
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
      'exports.info = () => ({ sum: add(2, 3), dir: __dirname, file: __filename, resolved: require.resolve("./helper"), self: module.exports === exports, isMain: require.main === module, cached: Object.keys(require.cache).some((k) => k.endsWith("helper.js")) });',
      PADDING,
    ].join('\n'),
  );
  // a dynamic import() breaks in code V8 deserialized from a cache (Node 20): such a module is never cached
  const dyn = join(root, 'node_modules', 'dyn');
  mkdirSync(dyn, { recursive: true });
  writeFileSync(join(dyn, 'index.js'), `exports.load = () => import("node:path").then((p) => typeof p.join);\n${PADDING}`);
  // one of our own sources (not under node_modules), as big: never cached
  writeFileSync(join(root, 'own.js'), `module.exports = 1;\n${PADDING}`);
  return pkg;
}

const SCRIPT = (pkg: string, root: string) => `
const big = require(${JSON.stringify(pkg)});
const dyn = require(${JSON.stringify(join(root, 'node_modules', 'dyn'))});
require(${JSON.stringify(join(root, 'own.js'))});
let stack = '';
try { big.boom(); } catch (e) { stack = e.stack.split('\\n').slice(0, 2).join(' | '); }
dyn.load().then((t) => console.log(JSON.stringify({ ...big.info(), stack, dynamicImport: t })));
`;

function run(root: string, cacheDir: string, env: Record<string, string> = {}) {
  const pkg = join(root, 'node_modules', 'big');
  const r = spawnSync(process.execPath, ['--require', HOOK, '-e', SCRIPT(pkg, root)], {
    encoding: 'utf8',
    env: { ...process.env, FLOWGATE_CODE_CACHE: '', FLOWGATE_CODE_CACHE_DIR: cacheDir, FLOWGATE_CODE_CACHE_STATS: '1', ...env },
    timeout: 30_000,
  });
  expect(r.status, `node exited 0; stderr: ${r.stderr}`).toBe(0);
  return { out: r.stdout.trim(), stats: /flowgate code cache: (.*) in /.exec(r.stderr)?.[1] };
}

test('a node_modules module is cached at exit, loaded from the cache next time, and behaves as without the hook', async ({}, testInfo) => {
  const root = testInfo.outputPath('root');
  const cache = testInfo.outputPath('cache');
  layout(root);
  const plain = run(root, cache, { FLOWGATE_CODE_CACHE: '0' });
  expect(plain.stats, 'FLOWGATE_CODE_CACHE=0: the hook does nothing').toBeUndefined();
  const info = JSON.parse(plain.out);
  expect(info).toMatchObject({ sum: 5, self: true, isMain: false, cached: true, dynamicImport: 'function' });
  expect(info.stack).toContain(`index.js:${THROW_LINE}`);

  const first = run(root, cache);
  expect(first.stats, 'the first run writes the one big node_modules file without import() (not helper.js, not own.js, not dyn)').toBe('0 used, 0 rejected, 1 written');
  expect(readdirSync(cache)).toHaveLength(1);
  expect(first.out, 'same behaviour as plain Node').toBe(plain.out);

  const second = run(root, cache);
  expect(second.stats, 'the second run loads it from the cache').toBe('1 used, 0 rejected, 0 written');
  expect(second.out, 'same behaviour as plain Node, stack trace line and dynamic import included').toBe(plain.out);
});

test('a file with import() is cached only when each one is a known unreached one, and Playwright\'s two bundles are', () => {
  const { cacheable } = require('./code-cache.cjs') as { cacheable: (f: string, c: string) => boolean };
  const nm = (p: string) => join('/x', 'node_modules', ...p.split('/'));
  expect(cacheable(nm('a/index.js'), PADDING), 'big, no import()').toBe(true);
  expect(cacheable(nm('a/index.js'), 'exports.x = 1;'), 'small').toBe(false);
  expect(cacheable(join('/x', 'flows', 'auth.spec.ts'), PADDING), 'our own source').toBe(false);
  expect(cacheable(nm('a/index.js'), `${PADDING}import("x")`), 'an unknown import()').toBe(false);
  const vite = `new Function('return import("vite")')`;
  expect(cacheable(nm('playwright-core/lib/coreBundle.js'), `${PADDING}${vite}`), 'the known one').toBe(true);
  expect(cacheable(nm('playwright-core/lib/coreBundle.js'), `${PADDING}${vite} import("other")`), 'the known one and another').toBe(false);
  expect(cacheable(nm('other/lib/coreBundle.js'), `${PADDING}${vite}`), 'a known snippet in another package').toBe(false);
  // the installed Playwright: if an update adds a dynamic import, this says its bundles are no longer cached
  for (const bundle of ['coreBundle.js', 'utilsBundle.js']) {
    const file = join(dirname(require.resolve('playwright-core/package.json')), 'lib', bundle);
    expect(cacheable(file, readFileSync(file, 'utf8')), `${bundle} is cached`).toBe(true);
  }
});

test('a corrupt cache entry is rejected and rewritten, and the module still loads', async ({}, testInfo) => {
  const root = testInfo.outputPath('root');
  const cache = testInfo.outputPath('cache');
  layout(root);
  const first = run(root, cache);
  const [entry] = readdirSync(cache);
  writeFileSync(join(cache, entry), 'not V8 code cache');
  const again = run(root, cache);
  expect(again.stats).toBe('0 used, 1 rejected, 1 written');
  expect(again.out).toBe(first.out);
  expect(run(root, cache).stats, 'the rewritten entry is used').toBe('1 used, 0 rejected, 0 written');
});

test('a changed module gets a new entry: the cache is keyed by content', async ({}, testInfo) => {
  const root = testInfo.outputPath('root');
  const cache = testInfo.outputPath('cache');
  const pkg = layout(root);
  run(root, cache);
  writeFileSync(join(pkg, 'helper.js'), 'module.exports = (a, b) => a * b;\n');
  const index = join(pkg, 'index.js');
  writeFileSync(index, `${require('node:fs').readFileSync(index, 'utf8')}\n// changed\n`);
  const changed = run(root, cache);
  expect(changed.stats).toBe('0 used, 0 rejected, 1 written');
  expect(JSON.parse(changed.out).sum, 'the new code runs, not the cached old one').toBe(6);
  expect(readdirSync(cache)).toHaveLength(2);
});
