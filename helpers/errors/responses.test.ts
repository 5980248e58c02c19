// Unit tests of the HTTP answer errors: status, body excerpt, trace id, and a body over the cap.
import { test, expect } from '@playwright/test';
import { UnexpectedResponse, structuredFailure, excerpt } from '.';

test('UnexpectedResponse says method, path, expected and got status, body excerpt and trace id', () => {
  const e = new UnexpectedResponse({ method: 'POST', path: '/api/v1/assets', expected: [201], got: 500, body: '{"error":"boom"}', traceId: 'tr-1' });
  expect(String(e)).toBe('UnexpectedResponse: POST /api/v1/assets expected 201, got 500 (trace tr-1); body: {"error":"boom"}');
  expect(e.category).toBe('unexpected response');
  expect(new UnexpectedResponse({ method: 'GET', path: '/p', expected: [200, 204], got: 404 }).message).toContain('expected 200 or 204, got 404');
});

test('UnexpectedResponse for a body over the cap names its size, the cap, the operation, method, path and trace id', () => {
  const declared = new UnexpectedResponse({ method: 'GET', path: '/api/v1/assets/a-1', operationId: 'getAsset', expected: [200], got: 200, traceId: 'fg-1', tooLarge: { bytes: 5 * 1024 * 1024, declared: true, capBytes: 1024 * 1024 } });
  expect(String(declared)).toBe(
    'UnexpectedResponse: GET /api/v1/assets/a-1 (getAsset) answered 200 with a body of 5 MiB (5242880 bytes) by its Content-Length, not read; a body of at most 1 MiB (1048576 bytes) (FLOWGATE_MAX_BODY_BYTES) was expected (trace fg-1)',
  );
  expect(declared.category).toBe('unexpected response');
  expect(structuredFailure('3. Read asset', declared)).toMatchObject({
    category: 'unexpected response',
    probe: 'GET /api/v1/assets/a-1',
    expected: 'status 200 with a body of at most 1 MiB (1048576 bytes) (FLOWGATE_MAX_BODY_BYTES)',
    observed: 'status 200 with a body of 5 MiB (5242880 bytes) by its Content-Length, not read (trace fg-1)',
  });
  const cut = new UnexpectedResponse({ method: 'GET', path: '/p', expected: 200, got: 200, tooLarge: { bytes: 1_114_112, declared: false, capBytes: 1_048_576 } });
  expect(cut.message).toContain('answered 200 with a body over the cap: reading stopped after 1.1 MiB (1114112 bytes)');
});
