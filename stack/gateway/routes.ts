// Pure routing of a Kong 3 declarative file: parse kong.yml, then match(method, path) → {service, upstreamUrl} exactly as Kong would route it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The declarative file both the embedded gateway and docker-compose.test.yml's Kong read. */
export const KONG_FILE = join(__dirname, 'kong.yml');

export interface KongService {
  name: string;
  protocol: string;
  /** host in the service url; in compose the container name, in the embedded stack mapped through `upstreams` */
  host: string;
  port: number;
  /** Kong's service path; "/" when the url has none */
  path: string;
}

export interface KongRoute {
  name: string;
  service: string;
  /** plain (prefix) paths; regex paths (~…) are refused at parse time */
  paths: string[];
  /** upper case; empty = any method */
  methods: string[];
  stripPath: boolean;
  /** position in the file: Kong's last tie-breaker is creation order */
  order: number;
}

export interface KongPlugin {
  name: string;
  enabled: boolean;
  config: Record<string, any>;
  /** set when the plugin is scoped to a service or route; undefined = global */
  service?: string;
  route?: string;
}

export interface KongConfig {
  formatVersion: string;
  services: KongService[];
  routes: KongRoute[];
  plugins: KongPlugin[];
}

export interface RouteMatch {
  service: string;
  route: string;
  /** the route path (prefix) that matched */
  matchedPath: string;
  /** the path Kong sends upstream (strip_path and the service path applied) */
  upstreamPath: string;
  /** the URL Kong would call: the service's url with the upstream path and the request's query */
  upstreamUrl: string;
}

export interface CorrelationIdConfig {
  headerName: string;
  generator: 'uuid' | 'uuid#counter' | 'tracker';
  echoDownstream: boolean;
}

const KNOWN_ROUTE_KEYS = new Set(['name', 'id', 'paths', 'methods', 'strip_path', 'protocols', 'preserve_host', 'path_handling', 'regex_priority', 'request_buffering', 'response_buffering', 'https_redirect_status_code', 'tags', 'service', 'plugins']);
// Matchers the embedded gateway cannot reproduce (it has no Host/SNI/source semantics of its own): refusing them keeps it from
// silently routing differently from the real Kong.
const UNSUPPORTED_ROUTE_KEYS = ['hosts', 'headers', 'snis', 'sources', 'destinations', 'expression'];

function fail(msg: string): never {
  throw new Error(`kong.yml: ${msg}`);
}

function parseService(s: any, i: number): KongService {
  if (!s || typeof s.name !== 'string' || !s.name) fail(`services[${i}] has no name`);
  let protocol = s.protocol ?? 'http';
  let host = s.host;
  let port = s.port;
  let path = s.path ?? '/';
  if (typeof s.url === 'string') {
    const u = new URL(s.url);
    protocol = u.protocol.replace(/:$/, '');
    host = u.hostname;
    // Kong's defaults: 80 for http, 443 for https
    port = u.port ? Number(u.port) : protocol === 'https' ? 443 : 80;
    path = u.pathname || '/';
  }
  if (!host) fail(`service ${s.name} has neither url nor host`);
  if (!['http', 'https'].includes(protocol)) fail(`service ${s.name}: protocol ${protocol} is not supported by the embedded gateway`);
  return { name: s.name, protocol, host, port: port ?? (protocol === 'https' ? 443 : 80), path };
}

function parseRoute(r: any, service: string, order: number): KongRoute {
  const label = r?.name ?? `#${order}`;
  if (!r || typeof r !== 'object') fail(`route ${label} is not an object`);
  for (const k of UNSUPPORTED_ROUTE_KEYS) {
    if (r[k] !== undefined && !(Array.isArray(r[k]) && r[k].length === 0)) fail(`route ${label}: "${k}" is not supported by the embedded gateway`);
  }
  for (const k of Object.keys(r)) if (!KNOWN_ROUTE_KEYS.has(k)) fail(`route ${label}: unknown key "${k}"`);
  const paths: string[] = r.paths ?? [];
  for (const p of paths) {
    if (typeof p !== 'string' || !p.startsWith('/')) fail(`route ${label}: path ${JSON.stringify(p)} must start with "/" (regex paths "~…" are not supported)`);
  }
  const methods: string[] = (r.methods ?? []).map((m: string) => String(m).toUpperCase());
  // Kong refuses a route with no matcher at all
  if (paths.length === 0 && methods.length === 0) fail(`route ${label} has neither paths nor methods`);
  if (r.path_handling !== undefined && r.path_handling !== 'v0') fail(`route ${label}: only path_handling v0 (Kong's default) is supported`);
  // Kong's default for strip_path is true
  return { name: r.name ?? `${service}-route-${order}`, service, paths, methods, stripPath: r.strip_path ?? true, order };
}

/** Parses the text of a declarative file (YAML or JSON). */
export function parseKongConfig(text: string): KongConfig {
  const doc = parse(text);
  if (!doc || typeof doc !== 'object') fail('not a YAML mapping');
  if (typeof doc._format_version !== 'string' || !doc._format_version.startsWith('3.')) fail(`_format_version must be "3.x", got ${JSON.stringify(doc._format_version)}`);
  const services: KongService[] = [];
  const routes: KongRoute[] = [];
  const plugins: KongPlugin[] = [];
  const pushPlugins = (list: any[] | undefined, scope: { service?: string; route?: string }) => {
    for (const p of list ?? []) plugins.push({ name: p.name, enabled: p.enabled ?? true, config: p.config ?? {}, ...scope, ...(p.service ? { service: p.service } : {}), ...(p.route ? { route: p.route } : {}) });
  };
  (doc.services ?? []).forEach((s: any, i: number) => {
    const svc = parseService(s, i);
    if (services.some((x) => x.name === svc.name)) fail(`service ${svc.name} is declared twice`);
    services.push(svc);
    pushPlugins(s.plugins, { service: svc.name });
    for (const r of s.routes ?? []) {
      const route = parseRoute(r, svc.name, routes.length);
      routes.push(route);
      pushPlugins(r.plugins, { route: route.name });
    }
  });
  // top-level routes name their service
  for (const r of doc.routes ?? []) {
    const service = typeof r.service === 'string' ? r.service : r.service?.name;
    if (!services.some((s) => s.name === service)) fail(`route ${r.name} refers to unknown service ${JSON.stringify(service)}`);
    const { service: _omit, ...rest } = r;
    routes.push(parseRoute(rest, service, routes.length));
  }
  const names = new Set<string>();
  for (const r of routes) {
    if (names.has(r.name)) fail(`route ${r.name} is declared twice`);
    names.add(r.name);
  }
  pushPlugins(doc.plugins, {});
  return { formatVersion: doc._format_version, services, routes, plugins };
}

export function loadKongConfig(file: string = KONG_FILE): KongConfig {
  return parseKongConfig(readFileSync(file, 'utf8'));
}

/**
 * Kong normalizes the request path before matching (and sends the normalized path upstream):
 * percent-encoded unreserved characters are decoded, dot segments removed, repeated slashes merged.
 * Returns undefined for a path Kong would reject as a bad request.
 */
export function normalizePath(rawPath: string): string | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  let bad = false;
  const decoded = rawPath.replace(/%([0-9A-Fa-f]{2})?/g, (m, hex: string | undefined) => {
    if (!hex) {
      bad = true;
      return m;
    }
    const c = String.fromCharCode(parseInt(hex, 16));
    // only unreserved characters are decoded; everything else stays encoded (upper-cased, as RFC 3986 §6.2.2.1 says)
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
  if (bad) return undefined;
  const out: string[] = [];
  const segs = decoded.replace(/\/{2,}/g, '/').split('/').slice(1);
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      out.pop();
      if (last) out.push('');
    } else out.push(seg);
  });
  return '/' + out.join('/');
}

/** Kong's path_handling v0: how the service path and the (possibly stripped) request path are joined. */
export function upstreamPathV0(servicePath: string, requestPath: string, matchedPath: string, stripPath: boolean): string {
  const base = servicePath || '/';
  if (stripPath) {
    let postfix = requestPath.slice(matchedPath.length);
    if (base.endsWith('/')) {
      if (postfix === '') {
        if (base === '/') return '/';
        return requestPath.endsWith('/') ? base : base.slice(0, -1);
      }
      if (postfix.startsWith('/')) postfix = postfix.slice(1);
      return base + postfix;
    }
    if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? base + '/' : base;
    return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
  }
  if (base === '/') return requestPath;
  if (base.endsWith('/')) return base + requestPath.slice(1);
  return requestPath === '/' ? base : base + requestPath;
}

interface Candidate {
  route: KongRoute;
  path: string | undefined;
  weight: number;
}

/** Kong 3's router over one declarative config. */
export class KongRouter {
  readonly config: KongConfig;
  private readonly candidates: Candidate[];

  constructor(config: KongConfig) {
    this.config = config;
    // Kong 3 (traditional_compatible) splits a route into one entry per path and orders them: more kinds of matcher first
    // (methods + paths beats paths alone), then the longer plain path, then creation order.
    const cands: Candidate[] = [];
    for (const route of config.routes) {
      const weight = (route.methods.length ? 1 : 0) + (route.paths.length ? 1 : 0);
      if (route.paths.length === 0) cands.push({ route, path: undefined, weight });
      for (const path of route.paths) cands.push({ route, path, weight });
    }
    cands.sort((a, b) => b.weight - a.weight || (b.path?.length ?? 0) - (a.path?.length ?? 0) || a.route.order - b.route.order);
    this.candidates = cands;
  }

  static fromFile(file: string = KONG_FILE): KongRouter {
    return new KongRouter(loadKongConfig(file));
  }

  service(name: string): KongService | undefined {
    return this.config.services.find((s) => s.name === name);
  }

  /**
   * The route Kong would pick for this request, or undefined (Kong answers 404 "no Route matched with those values").
   * `url` is the request target as received (path plus optional query); the path is normalized as Kong does.
   */
  match(method: string, url: string): RouteMatch | undefined {
    const q = url.indexOf('?');
    const path = normalizePath(q >= 0 ? url.slice(0, q) : url);
    const query = q >= 0 ? url.slice(q) : '';
    if (path === undefined) return undefined;
    const m = method.toUpperCase();
    for (const c of this.candidates) {
      if (c.route.methods.length && !c.route.methods.includes(m)) continue;
      // Kong's plain paths are raw string prefixes: /api/v1/assets also matches /api/v1/assets-export
      if (c.path !== undefined && !path.startsWith(c.path)) continue;
      const svc = this.service(c.route.service)!;
      const matchedPath = c.path ?? '';
      const upstreamPath = upstreamPathV0(svc.path, path, matchedPath, c.route.stripPath && c.path !== undefined);
      const defaultPort = svc.protocol === 'https' ? 443 : 80;
      const hostPort = svc.port === defaultPort ? svc.host : `${svc.host}:${svc.port}`;
      return {
        service: svc.name,
        route: c.route.name,
        matchedPath,
        upstreamPath,
        upstreamUrl: `${svc.protocol}://${hostPort}${upstreamPath}${query}`,
      };
    }
    return undefined;
  }

  /** The effective correlation-id plugin settings (global scope), with Kong's defaults filled in. */
  correlationId(): CorrelationIdConfig | undefined {
    const p = this.config.plugins.find((x) => x.name === 'correlation-id' && x.enabled && !x.service && !x.route);
    if (!p) return undefined;
    return {
      headerName: p.config.header_name ?? 'Kong-Request-ID',
      generator: p.config.generator ?? 'uuid#counter',
      echoDownstream: p.config.echo_downstream ?? false,
    };
  }
}

/**
 * Rebases a URL Kong would call (http://<service>:8080/path?q) onto a real base URL (http://127.0.0.1:41234):
 * scheme, host and port come from the base; the base's own path, if any, is prefixed.
 */
export function rebaseUpstreamUrl(upstreamUrl: string, base: string): string {
  // string surgery rather than URL parsing: re-parsing would re-encode the path and query Kong forwards verbatim
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(upstreamUrl);
  if (!m) throw new Error(`not an absolute URL: ${upstreamUrl}`);
  const b = new URL(base);
  const prefix = b.pathname.replace(/\/+$/, '');
  return `${b.protocol}//${b.host}${prefix}${m[1]}`;
}
