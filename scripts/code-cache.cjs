// Preloaded (`node --require`) into the runner and every Playwright worker: keeps V8's compiled code of node_modules on disk.
//
// Why: Node 20 has no module compile cache (module.enableCompileCache came in Node 22), so each of a run's ~10 Node
// processes parsed Playwright's 7 MB of bundles, kafkajs, undici, ajv… again: about 0.5 CPU-s each, measured with
// --cpu-prof as V8's wrapSafe (issue 15). The cache is written at a process's exit, after the code ran, so it also holds
// the functions V8 compiled lazily; the next process deserializes instead of parsing and compiling.
// Only files under node_modules: our own sources keep Node's own loader, so their stack traces and report locations
// are exactly what they were. FLOWGATE_CODE_CACHE=0 turns it off; a cache V8 rejects (another Node) is rebuilt.
// FLOWGATE_CODE_CACHE_DIR moves it (its test does); FLOWGATE_CODE_CACHE_STATS=1 prints what it did at exit, on stderr.
'use strict';
const Module = require('node:module');
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const MARKER = `${path.sep}node_modules${path.sep}`;
// Small files cost more to hash and read than to parse.
const MIN_BYTES = 16_384;

/**
 * On Node 20, an `import()` in code that V8 deserialized from a cache fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING,
 * so a file with `import(` is cached only when every one of them is here: known, and never reached by flowgate.
 * A Playwright update that adds one makes the count differ, and the file is simply compiled as before.
 */
const UNREACHED_IMPORTS = {
  // the component-testing Vite dev server
  'playwright-core/lib/coreBundle.js': [`new Function('return import("vite")')`],
  'playwright-core/lib/utilsBundle.js': [
    // Negotiate (Kerberos) proxy authentication
    'await import("kerberos")',
    // pkce-challenge's fallback for a Node without globalThis.crypto (Node 19 and later have it; flowgate needs 20)
    'globalThis.crypto ?? // Node.js >18\nimport("node:crypto")',
    // a comment
    'inline `import()`',
  ],
};
const count = (text, what) => text.split(what).length - 1;

/** Whether a module's compiled code may come from the cache: under node_modules, big enough, and no import() it could reach. */
function cacheable(filename, content) {
  if (typeof filename !== 'string' || !filename.includes(MARKER) || content.length < MIN_BYTES) return false;
  const imports = count(content, 'import(');
  if (!imports) return true;
  const tail = filename.slice(filename.lastIndexOf(MARKER) + MARKER.length).split(path.sep).join('/');
  const known = UNREACHED_IMPORTS[tail];
  return !!known && known.reduce((n, snippet) => n + count(content, snippet) * count(snippet, 'import('), 0) === imports;
}
module.exports = { cacheable };

// The spellings of helpers/config.ts's BOOL_TRUE and BOOL_FALSE (this file loads before TypeScript can).
const flag = (name) => (process.env[name] ?? '').trim().toLowerCase();
const off = ['false', '0', 'no', 'off'].includes(flag('FLOWGATE_CODE_CACHE'));
if (!off && typeof Module.prototype._compile === 'function' && !Module.prototype._compile.flowgateCodeCache) {
  const dir = process.env.FLOWGATE_CODE_CACHE_DIR || path.join(__dirname, '..', 'node_modules', '.cache', 'flowgate-v8');
  const stats = { used: 0, rejected: 0, written: 0 };
  const original = Module.prototype._compile;
  const unsaved = [];
  const compile = function (content, filename) {
    if (!cacheable(filename, content)) return original.call(this, content, filename);
    const file = path.join(dir, crypto.createHash('sha1').update(process.version).update('\0').update(filename).update('\0').update(content).digest('hex'));
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      // not cached yet
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    if (cachedData && !script.cachedDataRejected) stats.used++;
    else {
      if (cachedData) stats.rejected++;
      unsaved.push({ script, file });
    }
    const mod = this;
    const req = (id) => mod.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    Object.defineProperty(req, 'main', { get: () => process.mainModule, enumerable: true });
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  compile.flowgateCodeCache = true;
  Module.prototype._compile = compile;
  process.once('exit', () => {
    save();
    if (['true', '1', 'yes', 'on'].includes(flag('FLOWGATE_CODE_CACHE_STATS'))) process.stderr.write(`flowgate code cache: ${stats.used} used, ${stats.rejected} rejected, ${stats.written} written in ${dir}\n`);
  });
  function save() {
    if (!unsaved.length) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      for (const { script, file } of unsaved) {
        // Renamed into place, so processes exiting together never read half a file.
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, file);
        stats.written++;
      }
    } catch {
      // a read-only node_modules only costs the next process a parse
    }
  }
}
