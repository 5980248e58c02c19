// Loads a module with its import-time ajv (Ajv2020) schema compiles deferred to each validator's first call: @platformatic/kafka compiles 38 at import and a client calls a handful.
//
// Measured (npm run bench, 2 cores): importing @platformatic/kafka cost 0.4–0.6 CPU-s per process, most of it
// compiling the option schemas of every admin, consumer and producer call, in each of a run's worker processes and the
// stack. Only compiles made while `load` runs are deferred; ajv's compile is the eager one again before it returns.
import { Ajv2020 } from 'ajv/dist/2020';
import type { AnySchema, ValidateFunction } from 'ajv';

type Compile = (this: Ajv2020, schema: AnySchema, meta?: boolean) => ValidateFunction;

/** A validator that compiles `schema` with `compile` on its first call and then behaves as the compiled one (result and `errors`). */
export function deferredValidator(ajv: Ajv2020, compile: Compile, schema: AnySchema, meta?: boolean): ValidateFunction {
  let real: ValidateFunction | undefined;
  const validate = function (this: unknown, data: unknown, ctx?: unknown) {
    real ??= compile.call(ajv, schema, meta);
    const ok = (real as (this: unknown, d: unknown, c?: unknown) => boolean).call(this, data, ctx);
    validate.errors = real.errors;
    return ok;
  } as ValidateFunction;
  validate.errors = null;
  validate.schema = schema;
  return validate;
}

/** `load()` with every Ajv2020 compile it makes deferred (above). */
export function withDeferredCompiles<T>(load: () => T): T {
  const eager = Ajv2020.prototype.compile as Compile;
  Ajv2020.prototype.compile = function (this: Ajv2020, schema: AnySchema, meta?: boolean) {
    return deferredValidator(this, eager, schema, meta);
  } as typeof Ajv2020.prototype.compile;
  try {
    return load();
  } finally {
    Ajv2020.prototype.compile = eager as typeof Ajv2020.prototype.compile;
  }
}
