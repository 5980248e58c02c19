// The contracts' JSON-schema validators: compiled once per key, and kept across processes as ajv standalone modules.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Ajv, { _, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';

export interface ValidationResult {
  ok: boolean;
  errors: string[];
}

const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  // Standalone code, so a compiled validator can be kept as a module (below); its formats come from ajv-formats.
  code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
};
/**
 * Compiled validators, kept as ajv standalone modules named by the hash of the schema and the ajv versions: each
 * worker compiled the 20–30 it uses again (0.1–0.3 CPU-s each on a 2-core machine). Under node_modules, where the
 * modules' require("ajv/…") resolves; `false` compiles in memory only.
 */
export const VALIDATOR_CACHE = join(__dirname, '..', 'node_modules', '.cache', 'flowgate-ajv');
const AJV_VERSIONS = `ajv ${require('ajv/package.json').version}, ajv-formats ${require('ajv-formats/package.json').version}`;

/** One validator per key (a topic, a route's status, a component), from the kept modules in `dir` when they are there. */
export class ValidatorCache {
  private ajvInstance?: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  /** where this cache's validators came from (its test reads them) */
  readonly stats = { fromCache: 0, compiled: 0 };

  constructor(private readonly dir: string | false = VALIDATOR_CACHE) {}

  /** A value against the schema the key names; the schema is compiled (or read from the kept modules) the first time only. */
  check(key: string, schema: object, value: unknown): ValidationResult {
    const v = this.validator(key, schema);
    return v(value) ? { ok: true, errors: [] } : { ok: false, errors: formatErrors(v.errors) };
  }

  /** ajv itself only when a validator is not in the cache. */
  private get ajv(): Ajv {
    if (!this.ajvInstance) {
      this.ajvInstance = new Ajv(AJV_OPTIONS);
      addFormats(this.ajvInstance);
    }
    return this.ajvInstance;
  }

  private validator(key: string, schema: object): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.kept(schema);
      if (!v) {
        v = this.ajv.compile(schema);
        this.stats.compiled++;
      }
      this.validators.set(key, v);
    }
    return v;
  }

  /** The validator kept for this schema, compiled and kept (for the next process) when it is not there yet; undefined with no cache. */
  private kept(schema: object): ValidateFunction | undefined {
    if (!this.dir) return undefined;
    const file = join(this.dir, `${createHash('sha256').update(AJV_VERSIONS).update(JSON.stringify(AJV_OPTIONS)).update(JSON.stringify(schema)).digest('hex').slice(0, 32)}.js`);
    try {
      const kept = require(file) as ValidateFunction;
      this.stats.fromCache++;
      return kept;
    } catch {
      // not kept yet (or unreadable): compile below
    }
    const v = this.ajv.compile(schema);
    this.stats.compiled++;
    try {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, standaloneCode(this.ajv, v));
      renameSync(tmp, file);
    } catch {
      // a read-only node_modules only costs the next process a compile
    }
    return v;
  }
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'allowedValue' in e.params ? ` (${JSON.stringify((e.params as any).allowedValue)})` : ''}`);
}
