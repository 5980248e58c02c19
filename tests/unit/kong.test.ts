// Static checks of stack/gateway/kong.yml: valid for Kong 3, and it routes every contract route and health path to its owning service.
import { test, expect } from '@playwright/test';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contracts } from '../../contracts';
import { KONG_FILE, KongRouter, loadKongConfig } from '../../stack/gateway/routes';

const repoRoot = join(__dirname, '..', '..');
// Kong 3's declarative format as the project writes it down (services, routes, plugins and their fields).
const KONG_SCHEMA = join(repoRoot, 'stack', 'gateway', 'kong-declarative.schema.json');

/** A concrete request path for an OpenAPI path: every {param} gets a plausible value. */
const sample = (path: string) => path.replace(/\{[^}]+\}/g, 'sample-0f3c2a');

test("kong.yml validates against the project's schema of Kong 3's declarative format", () => {
  const schema = JSON.parse(readFileSync(KONG_SCHEMA, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const doc = parse(readFileSync(KONG_FILE, 'utf8'));
  const ok = validate(doc);
  expect(validate.errors ?? [], 'schema errors').toEqual([]);
  expect(ok).toBe(true);
  expect(doc._format_version).toBe('3.0');
  // positive controls: what Kong would refuse, the schema refuses
  const svc = doc.services[0];
  const route = svc.routes[0];
  const broken = [
    { ...doc, services: [{ ...svc, routes: [{ ...route, strip_paths: false }] }] },
    { ...doc, services: [{ ...svc, protocol: 'ftp' }] },
    { ...doc, services: [{ ...svc, routes: [{ ...route, paths: ['api/v1/auth'] }] }] },
    { ...doc, plugins: [{ name: 'correlation-id', config: { header_name: 'X-Request-ID', generator: 'uuid4' } }] },
    { services: doc.services },
  ];
  for (const b of broken) expect(validate(b), JSON.stringify(b).slice(0, 120)).toBe(false);
});

test('one Kong service per x-services entry, at http://<name>:8080, and no other', () => {
  const cfg = loadKongConfig();
  const expected = contracts().services.map((s) => s.name).sort();
  expect(cfg.services.map((s) => s.name).sort()).toEqual(expected);
  for (const s of cfg.services) {
    expect({ name: s.name, protocol: s.protocol, host: s.host, port: s.port, path: s.path }).toEqual({ name: s.name, protocol: 'http', host: s.name, port: 8080, path: '/' });
  }
  // the raw file says it with `url`, the form the issue asks for
  const raw = parse(readFileSync(KONG_FILE, 'utf8'));
  for (const s of raw.services) expect(s.url, s.name).toBe(`http://${s.name}:8080`);
});

test('every contract route (method + path) is routed to the service named in its x-service, with its full path', () => {
  const router = KongRouter.fromFile();
  const c = contracts();
  expect(c.routes.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const r of c.routes) {
    const path = sample(r.path);
    const m = router.match(r.method, `${path}?probe=1`);
    if (!m) problems.push(`${r.method} ${r.path} (${r.operationId}): no route`);
    else if (m.service !== r.service) problems.push(`${r.method} ${r.path} (${r.operationId}): routed to ${m.service}, owner is ${r.service}`);
    else if (m.upstreamUrl !== `http://${r.service}:8080${path}?probe=1`) problems.push(`${r.method} ${r.path}: upstream URL ${m.upstreamUrl}`);
  }
  expect(problems).toEqual([]);
});

test("every service's health path routes to that service", () => {
  const router = KongRouter.fromFile();
  for (const s of contracts().services) {
    const m = router.match('GET', s.health);
    expect(m?.service, s.health).toBe(s.name);
    expect(m?.upstreamPath).toBe(s.health);
  }
});

test('every route keeps the full path and serves some contract path; its methods are ones the contract uses there', () => {
  const c = contracts();
  const cfg = loadKongConfig();
  const targets = [...c.routes.map((r) => ({ path: sample(r.path), method: r.method, service: r.service })), ...c.services.map((s) => ({ path: s.health, method: 'GET', service: s.name }))];
  for (const route of cfg.routes) {
    expect(route.stripPath, route.name).toBe(false);
    for (const p of route.paths) {
      const served = targets.filter((t) => t.service === route.service && t.path.startsWith(p));
      // a route path that no contract path falls under is dead configuration (or an undocumented API)
      expect(served.length, `${route.name} ${p}`).toBeGreaterThan(0);
      const allowed = new Set(served.map((t) => t.method));
      for (const m of route.methods) expect(allowed.has(m), `${route.name} ${p} allows ${m}, which no contract route under it uses`).toBe(true);
    }
  }
});

test('what the contract does not have is not routed', () => {
  const router = KongRouter.fromFile();
  expect(router.match('GET', '/api/v1/admin')).toBeUndefined();
  expect(router.match('PUT', sample('/api/v1/assets/{id}'))).toBeUndefined();
  expect(router.match('DELETE', '/api/v1/webhooks/stripe')).toBeUndefined();
  expect(router.match('GET', '/health')).toBeUndefined();
});

test('the correlation-id plugin is global: X-Request-ID, uuid, echoed downstream', () => {
  const cfg = loadKongConfig();
  const plugins = cfg.plugins.filter((p) => p.name === 'correlation-id');
  expect(plugins).toHaveLength(1);
  expect(plugins[0]).toMatchObject({ enabled: true, config: { header_name: 'X-Request-ID', generator: 'uuid', echo_downstream: true } });
  expect(plugins[0].service).toBeUndefined();
  expect(plugins[0].route).toBeUndefined();
  // the header is the one the contract calls the trace header
  expect(plugins[0].config.header_name.toLowerCase()).toBe(contracts().headers.trace.toLowerCase());
});
