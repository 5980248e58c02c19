// Unit tests of the go-no-go.json reader: a verdict reads typed; missing, broken and non-verdict files are errors saying which.
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVerdictFile, VerdictFileError, verdictOrUndefined } from './verdict-file';

test('a verdict reads as written; missing, not JSON and not a verdict are each a VerdictFileError naming why', async ({}, testInfo) => {
  const dir = testInfo.outputPath('v');
  mkdirSync(dir, { recursive: true });
  const put = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const good = readVerdictFile(put('good.json', JSON.stringify({ verdict: 'NO-GO', exitCode: 1, notes: ['x'], criteria: [{ id: 2, title: 't', status: 'fail' }] })));
  expect(good).not.toBeInstanceOf(VerdictFileError);
  expect(good).toMatchObject({ verdict: 'NO-GO', exitCode: 1, notes: ['x'] });

  const cases: [string, string | undefined, string, RegExp][] = [
    ['absent.json', undefined, 'missing', /no verdict was written/],
    ['broken.json', '{"verdict": "GO"', 'not-json', /is not valid JSON/],
    ['array.json', '[]', 'not-a-verdict', /expected a JSON object, got an array/],
    ['word.json', '{"verdict": "MAYBE"}', 'not-a-verdict', /"verdict": "GO" or "NO-GO", got "MAYBE"/],
    ['exit.json', '{"verdict": "GO", "exitCode": 7}', 'not-a-verdict', /"exitCode" 0, 1 or 2, got 7/],
    ['notes.json', '{"verdict": "GO", "notes": "one"}', 'not-a-verdict', /"notes" to be an array/],
  ];
  for (const [name, text, reason, message] of cases) {
    const e = readVerdictFile(text === undefined ? join(dir, name) : put(name, text));
    expect(e, name).toBeInstanceOf(VerdictFileError);
    expect((e as VerdictFileError).reason, name).toBe(reason);
    expect((e as VerdictFileError).message, name).toMatch(message);
    expect(verdictOrUndefined(join(dir, name)), name).toBeUndefined();
  }
});
