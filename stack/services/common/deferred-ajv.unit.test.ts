// deferredValidator and withDeferredCompiles: a deferred validator answers as the eager one, compiles once on first use, and ajv is eager again after the load.
import { test, expect } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020';
import { deferredValidator, withDeferredCompiles } from './deferred-ajv';

const schema = { type: 'object', properties: { port: { type: 'integer', minimum: 1 } }, required: ['port'], additionalProperties: false };

test('a deferred validator gives the eager validator\'s result and errors, and compiles once, on its first call', () => {
  const ajv = new Ajv2020({ allErrors: true });
  let compiles = 0;
  const eager = Ajv2020.prototype.compile;
  const counting = function (this: Ajv2020, s: any, m?: boolean) {
    compiles++;
    return eager.call(this, s, m);
  };
  const v = deferredValidator(ajv, counting as any, schema);
  expect(compiles).toBe(0);
  const reference = new Ajv2020({ allErrors: true }).compile(schema);
  for (const value of [{ port: 80 }, { port: 0 }, {}, { port: 1, extra: true }, 'x']) {
    expect(v(value), JSON.stringify(value)).toBe(reference(value));
    expect(v.errors, JSON.stringify(value)).toEqual(reference.errors);
  }
  expect(compiles).toBe(1);
});

test('withDeferredCompiles defers only the compiles made while it loads, and a bad schema still fails on first use', () => {
  const eager = Ajv2020.prototype.compile;
  const ajv = new Ajv2020({ strict: true });
  const { good, bad } = withDeferredCompiles(() => ({ good: ajv.compile(schema), bad: ajv.compile({ type: 'no-such-type' }) }));
  expect(Ajv2020.prototype.compile).toBe(eager);
  expect(good({ port: 443 })).toBe(true);
  expect(good({ port: -1 })).toBe(false);
  expect(() => bad({})).toThrow(/type/);
  // after the load a compile is eager again: a bad schema throws at once
  expect(() => ajv.compile({ type: 'no-such-type' })).toThrow(/type/);
});
