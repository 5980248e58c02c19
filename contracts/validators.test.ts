// The contracts pass the validators their users' tools run (swagger-parser for OpenAPI 3.0, @asyncapi/parser) and changed only additively since the frozen 1.0 baseline.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { diffAsyncApi, diffOpenApi } from '../helpers/contract-diff';

const here = (...p: string[]) => join(__dirname, ...p);
const yaml = (...p: string[]) => parse(readFileSync(here(...p), 'utf8'));

test('openapi.yaml is a valid OpenAPI 3.0 document (swagger-parser)', async () => {
  const SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
  await expect(SwaggerParser.validate(here('openapi.yaml'))).resolves.toBeTruthy();
});

test('asyncapi.yaml parses without errors (@asyncapi/parser)', async () => {
  const { Parser } = await import('@asyncapi/parser');
  const { document, diagnostics } = await new Parser().parse(readFileSync(here('asyncapi.yaml'), 'utf8'));
  // severity 0 is an error in the parser's diagnostics (spectral)
  expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  expect(document).toBeTruthy();
});

test('the working contracts changed only additively since contracts/frozen/ (compliance matrix §6)', () => {
  expect(diffOpenApi(yaml('frozen', 'openapi.yaml'), yaml('openapi.yaml')), 'breaking changes in openapi.yaml').toEqual([]);
  expect(diffAsyncApi(yaml('frozen', 'asyncapi.yaml'), yaml('asyncapi.yaml')), 'breaking changes in asyncapi.yaml').toEqual([]);
  expect(yaml('frozen', 'asyncapi.yaml').info.version, 'the baseline is the 1.0 freeze').toBe('1.0');
});
