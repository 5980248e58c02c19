// Preloaded (`node --require`) into every flowgate process and Playwright worker: refuses an unsupported Node, then keeps V8's compiled code on disk.
//
// Each of a run's ~10 Node processes would otherwise parse Playwright's 7 MB of bundles, undici, ajv… again (about
// 0.5 CPU-s each). Node's own module.enableCompileCache() writes the compiled code of every CommonJS and ESM module to
// a folder at exit and reads it back in the next process; a cache of another Node version is ignored and rewritten.
// FLOWGATE_CODE_CACHE=0 turns it off; FLOWGATE_CODE_CACHE_DIR moves it; FLOWGATE_CODE_CACHE_STATS=1 says at exit,
// on stderr, whether it was on and where.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { supported, refusal } = require('./supported-node.cjs');

if (!supported(process.version)) {
  process.stderr.write(`${refusal(process.version, process.execPath)}\n`);
  // could not evaluate: the run never started
  process.exit(2);
}

// The spellings of helpers/config's BOOL_TRUE and BOOL_FALSE (this file loads before TypeScript can).
const flag = (name) => (process.env[name] ?? '').trim().toLowerCase();
const off = ['false', '0', 'no', 'off'].includes(flag('FLOWGATE_CODE_CACHE'));
if (!off && typeof Module.enableCompileCache === 'function') {
  const dir = process.env.FLOWGATE_CODE_CACHE_DIR || path.join(__dirname, '..', 'node_modules', '.cache', 'flowgate-compile');
  const result = Module.enableCompileCache(dir);
  if (['true', '1', 'yes', 'on'].includes(flag('FLOWGATE_CODE_CACHE_STATS'))) {
    const status = Object.entries(Module.constants?.compileCacheStatus ?? {}).find(([, v]) => v === result.status)?.[0] ?? String(result.status);
    process.once('exit', () => process.stderr.write(`flowgate code cache: ${status} in ${result.directory ?? dir}${result.message ? ` (${result.message})` : ''}\n`));
  }
}
