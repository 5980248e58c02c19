// Unit tests of the default worker count: a target on this machine leaves it a core, a remote one gets one worker per core.
import { test, expect } from '@playwright/test';
import { defaultWorkers, targetOnThisMachine } from './workers';

test('a target on this machine is the embedded stack or a loopback gateway; anything else, or a malformed URL, is remote', () => {
  expect(targetOnThisMachine({})).toBe(true);
  expect(targetOnThisMachine({ KONG_URL: '  ' })).toBe(true);
  for (const url of ['https://127.0.0.1:41957', 'http://localhost:8000', 'https://[::1]:8443', 'https://LOCALHOST']) expect(targetOnThisMachine({ KONG_URL: url }), url).toBe(true);
  for (const url of ['https://staging.cert-ix.example', 'https://10.0.0.5', 'https://127.0.0.1.example.com', 'not a url']) expect(targetOnThisMachine({ KONG_URL: url }), url).toBe(false);
});

test('one core is left to a target on this machine; a remote target gets a worker per core, 2 at least', () => {
  expect([1, 2, 4, 8].map((c) => defaultWorkers(c, true))).toEqual([1, 1, 3, 7]);
  expect([1, 2, 4, 8].map((c) => defaultWorkers(c, false))).toEqual([2, 2, 4, 8]);
});
