// Unit tests of the Kong routing model (routes.ts): prefix priority, methods, strip_path, normalization, parse errors.
import { test, expect } from '@playwright/test';
import { KongRouter, parseKongConfig, normalizePath, upstreamPathV0, rebaseUpstreamUrl, KONG_FILE, loadKongConfig } from './routes';

const router = (yml: string) => new KongRouter(parseKongConfig(yml));

const TWO_SERVICES = `
_format_version: "3.0"
services:
  - name: alpha
    url: http://alpha:8080
    routes:
      - { name: alpha-api, paths: [/api/v1/things], methods: [GET, POST], strip_path: false }
  - name: beta
    url: http://beta:8080
    routes:
      - { name: beta-special, paths: [/api/v1/things/special], methods: [GET, POST], strip_path: false }
      - { name: beta-delete, paths: [/api/v1/things], methods: [DELETE], strip_path: false }
plugins:
  - { name: correlation-id, config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true } }
`;

test('the longest matching prefix wins, whatever the order in the file', () => {
  const r = router(TWO_SERVICES);
  expect(r.match('GET', '/api/v1/things')?.service).toBe('alpha');
  expect(r.match('GET', '/api/v1/things/42')?.service).toBe('alpha');
  expect(r.match('GET', '/api/v1/things/special')?.service).toBe('beta');
  expect(r.match('GET', '/api/v1/things/special/7')?.service).toBe('beta');
});

test('methods filter routes; an unlisted method matches nothing', () => {
  const r = router(TWO_SERVICES);
  expect(r.match('DELETE', '/api/v1/things/42')?.route).toBe('beta-delete');
  expect(r.match('post', '/api/v1/things')?.route).toBe('alpha-api');
  expect(r.match('PUT', '/api/v1/things/42')).toBeUndefined();
  expect(r.match('GET', '/api/v2/things')).toBeUndefined();
});

test('plain paths are raw string prefixes, as in Kong', () => {
  const r = router(TWO_SERVICES);
  expect(r.match('GET', '/api/v1/thingsandmore')?.service).toBe('alpha');
  expect(r.match('GET', '/api/v1/thing')).toBeUndefined();
});

test('a route with methods and paths outranks a longer path without methods', () => {
  const r = router(`
_format_version: "3.0"
services:
  - name: a
    url: http://a:8080
    routes: [{ name: a-any, paths: [/x/y/z], strip_path: false }]
  - name: b
    url: http://b:8080
    routes: [{ name: b-get, paths: [/x], methods: [GET], strip_path: false }]
`);
  expect(r.match('GET', '/x/y/z')?.service).toBe('b');
  expect(r.match('POST', '/x/y/z')?.service).toBe('a');
});

test('the upstream URL keeps the full path and the query with strip_path false', () => {
  const m = router(TWO_SERVICES).match('GET', '/api/v1/things/42?a=1&b=%20x');
  expect(m).toEqual({
    service: 'alpha',
    route: 'alpha-api',
    matchedPath: '/api/v1/things',
    upstreamPath: '/api/v1/things/42',
    upstreamUrl: 'http://alpha:8080/api/v1/things/42?a=1&b=%20x',
  });
});

test('strip_path (Kong default true) removes the matched prefix and joins the service path', () => {
  const r = router(`
_format_version: "3.0"
services:
  - name: s
    url: http://s:9000/base
    routes: [{ name: s-r, paths: [/pub] }]
  - name: t
    url: http://t
    routes: [{ name: t-r, paths: [/tt] }]
`);
  expect(r.match('GET', '/pub/a/b?q=1')?.upstreamUrl).toBe('http://s:9000/base/a/b?q=1');
  expect(r.match('GET', '/pub')?.upstreamPath).toBe('/base');
  expect(r.match('GET', '/pub/')?.upstreamPath).toBe('/base/');
  expect(r.match('GET', '/tt/x')?.upstreamUrl).toBe('http://t/x');
  expect(r.match('GET', '/tt')?.upstreamPath).toBe('/');
});

test('path_handling v0 joins like Kong', () => {
  expect(upstreamPathV0('/', '/a/b', '/a', false)).toBe('/a/b');
  expect(upstreamPathV0('/', '/a/b', '/a', true)).toBe('/b');
  expect(upstreamPathV0('/svc/', '/a/b', '/a', true)).toBe('/svc/b');
  expect(upstreamPathV0('/svc', '/a/b', '/a', false)).toBe('/svc/a/b');
  expect(upstreamPathV0('/svc/', '/a/b', '/a', false)).toBe('/svc/a/b');
  expect(upstreamPathV0('/svc', '/ab', '/a', true)).toBe('/svc/b');
});

test('paths are normalized before matching, so dot segments cannot reach another service', () => {
  expect(normalizePath('/api/v1/things/../../v1/things/%7Ex')).toBe('/api/v1/things/~x');
  expect(normalizePath('/a//b/./c/')).toBe('/a/b/c/');
  expect(normalizePath('/a/%2f')).toBe('/a/%2F');
  expect(normalizePath('/a/%zz')).toBeUndefined();
  const r = router(TWO_SERVICES);
  expect(r.match('GET', '/api/v1/things/special/../1')?.service).toBe('alpha');
  expect(r.match('GET', '/api/v1/%74hings/special')?.service).toBe('beta');
});

test('the correlation-id plugin is read with Kong defaults filled in', () => {
  expect(router(TWO_SERVICES).correlationId()).toEqual({ headerName: 'X-Request-ID', generator: 'uuid', echoDownstream: true });
  const none = router('_format_version: "3.0"\nservices: []\n');
  expect(none.correlationId()).toBeUndefined();
  const defaults = router('_format_version: "3.0"\nplugins: [{ name: correlation-id }]\n');
  expect(defaults.correlationId()).toEqual({ headerName: 'Kong-Request-ID', generator: 'uuid#counter', echoDownstream: false });
});

test('top-level routes naming their service are routed too', () => {
  const r = router(`
_format_version: "3.0"
services: [{ name: s, url: "http://s:8080" }]
routes: [{ name: top, service: { name: s }, paths: [/top], strip_path: false }]
`);
  expect(r.match('GET', '/top/1')?.upstreamUrl).toBe('http://s:8080/top/1');
});

test('what the embedded gateway cannot reproduce is refused, not silently ignored', () => {
  const svc = (route: string) => `_format_version: "3.0"\nservices: [{ name: s, url: "http://s:8080", routes: [${route}] }]\n`;
  expect(() => parseKongConfig(svc('{ name: r, paths: [/a], hosts: [example.com] }'))).toThrow(/hosts.*not supported/);
  expect(() => parseKongConfig(svc('{ name: r, paths: ["~/a/\\\\d+"] }'))).toThrow(/regex/);
  expect(() => parseKongConfig(svc('{ name: r, strip_path: false }'))).toThrow(/neither paths nor methods/);
  expect(() => parseKongConfig(svc('{ name: r, paths: [/a], pathz: [/b] }'))).toThrow(/unknown key "pathz"/);
  expect(() => parseKongConfig('_format_version: "2.1"\n')).toThrow(/_format_version/);
  expect(() => parseKongConfig('_format_version: "3.0"\nroutes: [{ name: r, service: nope, paths: [/a] }]\n')).toThrow(/unknown service/);
});

test('rebasing swaps scheme, host and port and keeps the path and query verbatim', () => {
  expect(rebaseUpstreamUrl('http://alpha:8080/api/v1/x%20y?q=a%2Fb', 'http://127.0.0.1:41234')).toBe('http://127.0.0.1:41234/api/v1/x%20y?q=a%2Fb');
  expect(rebaseUpstreamUrl('http://alpha:8080/api', 'http://127.0.0.1:5/prefix/')).toBe('http://127.0.0.1:5/prefix/api');
});

test('the repository kong.yml parses', () => {
  const cfg = loadKongConfig(KONG_FILE);
  expect(cfg.services.length).toBeGreaterThan(0);
  expect(cfg.routes.every((r) => r.stripPath === false)).toBe(true);
});
