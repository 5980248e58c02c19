// Reads contracts/openapi.yaml and contracts/asyncapi.yaml once: the one source of routes, topics and schemas for stack and harness.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_P0_SERVICES } from './p0-services';
import { ValidatorCache, VALIDATOR_CACHE, type ValidationResult } from './validator-cache';

export { formatErrors, type ValidationResult } from './validator-cache';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContract {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI form, e.g. /api/v1/assets/{id} */
  path: string;
  /** Fastify/router form, e.g. /api/v1/assets/:id */
  routerPath: string;
  service: string;
  protected: boolean;
  bodySchema?: object;
  /** status code → JSON schema of the body (undefined for no body / non-JSON) */
  responses: Record<string, object | undefined>;
}

export interface ServiceContract {
  name: string;
  criticality: 'P0' | 'P1' | 'P2';
  health: string;
  /** 'METHOD /path' of routes only other services may call: never reachable through the gateway */
  internal: string[];
  /** compliance matrix §1's name when the contract models the service under another (go-tools → scan-engine-worker) */
  seed?: string;
}

export interface TopicContract {
  /** literal topic name, or a pattern with {placeholders} */
  name: string;
  isPattern: boolean;
  /** matches concrete topic names */
  regex: RegExp;
  producer: string;
  consumers: string[];
  payloadSchema: object;
  headersSchema: object;
}

/** A topic family compliance matrix §6 freezes whole (`cert-ix.payment.*`): every topic under the prefix, named by a channel or not. */
export interface TopicFamily {
  /** as the compliance matrix writes it, e.g. cert-ix.payment.* */
  name: string;
  /** matches every concrete topic of the family (one or more segments after the prefix) */
  regex: RegExp;
  /** the channels of asyncapi.yaml in the family */
  channels: string[];
  /** the payload fields every channel of the family requires, with the schema they share */
  envelopeSchema: object;
  headersSchema: object;
}

const CONTRACTS_DIR = __dirname;

function refResolver(doc: any) {
  const resolve = (node: any, seen: Set<string> = new Set()): any => {
    if (Array.isArray(node)) return node.map((n) => resolve(n, seen));
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      if (seen.has(node.$ref)) throw new Error(`contracts: circular $ref ${node.$ref}`);
      const target = node.$ref
        .slice(2)
        .split('/')
        .reduce((acc: any, k: string) => (acc == null ? acc : acc[k]), doc);
      if (target === undefined) throw new Error(`contracts: unresolved $ref ${node.$ref}`);
      return resolve(target, new Set([...seen, node.$ref]));
    }
    const out: any = {};
    for (const [k, v] of Object.entries(node)) out[k] = resolve(v, seen);
    return out;
  };
  return resolve;
}

/** OpenAPI 3.0's `nullable` is not JSON Schema; rewrite it so ajv understands it. */
function openApiToJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example') continue;
    out[k] = openApiToJsonSchema(v);
  }
  if (node.nullable === true && typeof node.type === 'string') out.type = [node.type, 'null'];
  return out;
}

/**
 * The parsed document. Every worker of a run parses both documents, and YAML parsing cost each 0.1–0.3 s of CPU on
 * a 2-core machine: the parse is kept as JSON in the temp dir, named by the hash of the text, so an edited contract
 * is parsed again and a stale one is never read. `file` is relative to contracts/ (`frozen/openapi.yaml`).
 */
export function loadContractFile(file: string): any {
  const text = readFileSync(join(CONTRACTS_DIR, file), 'utf8');
  const cached = join(tmpdir(), `flowgate-contract-${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8'));
  } catch {
    // not cached yet (or unreadable): parse, and keep it for the next process
  }
  const doc = (require('yaml') as typeof import('yaml')).parse(text);
  try {
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, cached);
  } catch {
    // a read-only temp dir only costs the next process a parse
  }
  return doc;
}

export class Contracts {
  readonly openapi: any;
  readonly asyncapi: any;
  readonly routes: RouteContract[];
  readonly services: ServiceContract[];
  readonly topics: TopicContract[];
  readonly families: TopicFamily[];
  readonly schemaVersionHeader: string;
  readonly schemaVersion: string;
  readonly scanEngines: string[];
  readonly scanPriorities: string[];
  readonly headers: { trace: string; csrf: string; captchaTestKey: string; stripeSignature: string };
  private readonly validators: ValidatorCache;
  /** where this instance's validators came from (its test reads them) */
  readonly validatorStats: ValidatorCache['stats'];

  constructor(openapi = loadContractFile('openapi.yaml'), asyncapi = loadContractFile('asyncapi.yaml'), opts: { validatorCache?: string | false } = {}) {
    this.openapi = openapi;
    this.asyncapi = asyncapi;
    this.validators = new ValidatorCache(opts.validatorCache ?? VALIDATOR_CACHE);
    this.validatorStats = this.validators.stats;

    const resolveO = refResolver(openapi);
    this.routes = [];
    for (const [path, item] of Object.entries<any>(openapi.paths ?? {})) {
      for (const [m, op] of Object.entries<any>(item)) {
        const method = m.toUpperCase() as HttpMethod;
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
        const security = op.security ?? openapi.security ?? [];
        const responses: Record<string, object | undefined> = {};
        for (const [code, r] of Object.entries<any>(op.responses ?? {})) {
          const schema = r?.content?.['application/json']?.schema;
          responses[code] = schema ? openApiToJsonSchema(resolveO(schema)) : undefined;
        }
        const body = op.requestBody?.content?.['application/json']?.schema;
        this.routes.push({
          operationId: op.operationId,
          method,
          path,
          routerPath: path.replace(/\{([^}]+)\}/g, ':$1'),
          service: op['x-service'],
          protected: security.some((s: any) => s && 'bearerAuth' in s),
          bodySchema: body ? openApiToJsonSchema(resolveO(body)) : undefined,
          responses,
        });
      }
    }
    this.services = Object.entries<any>(openapi['x-services'] ?? {}).map(([name, s]) => ({
      name,
      criticality: s.criticality,
      health: s.health,
      internal: s.internal ?? [],
      ...(s.seed ? { seed: s.seed } : {}),
    }));
    this.headers = openapi['x-headers'];

    const meta = asyncapi['x-flowgate'] ?? {};
    this.schemaVersionHeader = meta.schemaVersionHeader ?? 'schema-version';
    this.schemaVersion = meta.schemaVersion ?? '1.0';
    this.scanEngines = meta.scanEngines ?? [];
    this.scanPriorities = meta.scanPriorities ?? [];
    const resolveA = refResolver(asyncapi);
    this.topics = Object.entries<any>(asyncapi.channels ?? {}).map(([name, ch]) => {
      const msg = resolveA(ch.subscribe?.message ?? ch.publish?.message ?? {});
      const headers = (msg.traits ?? []).reduce((acc: any, t: any) => t.headers ?? acc, msg.headers ?? {});
      const isPattern = name.includes('{');
      // Each {placeholder} stands for one dot-free segment; everything else is literal.
      const source = name
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^.]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      return {
        name,
        isPattern,
        regex: new RegExp(`^${source}$`),
        producer: ch['x-producer'],
        consumers: ch['x-consumers'] ?? [],
        payloadSchema: msg.payload ?? {},
        headersSchema: headers,
      };
    });
    this.families = (meta.frozenFamilies ?? []).map((name: string) => familyOf(name, this.topics, resolveA(asyncapi.components?.messageTraits?.frozen?.headers ?? {})));
  }

  /** The frozen family a concrete topic belongs to (cert-ix.payment.refunded → cert-ix.payment.*), if any. */
  familyOf(topic: string): TopicFamily | undefined {
    return this.families.find((f) => f.regex.test(topic));
  }

  route(operationId: string): RouteContract {
    const r = this.routes.find((x) => x.operationId === operationId);
    if (!r) throw new Error(`contracts: no route with operationId "${operationId}" in openapi.yaml`);
    return r;
  }

  routesOf(service: string): RouteContract[] {
    return this.routes.filter((r) => r.service === service);
  }

  service(name: string): ServiceContract {
    const s = this.services.find((x) => x.name === name);
    if (!s) throw new Error(`contracts: no service "${name}" in openapi.yaml x-services`);
    return s;
  }

  /**
   * The compliance matrix §1 P0 services (contracts/p0-services.ts) as their x-services entries: what criterion 10, completeness and the
   * probes count against. A P0 service of the compliance matrix that the contract lacks, or lists below P0, is an error naming it.
   */
  p0Services(): ServiceContract[] {
    return SEED_P0_SERVICES.map(({ seed, service }) => {
      const s = this.services.find((x) => x.name === service);
      if (!s) throw new Error(`contracts: compliance matrix §1 P0 service "${seed}" (x-services "${service}") is missing from openapi.yaml x-services`);
      if (s.criticality !== 'P0') throw new Error(`contracts: compliance matrix §1 P0 service "${seed}" is ${s.criticality} in openapi.yaml x-services, expected P0`);
      return s;
    });
  }

  /** The contract entry that governs a concrete topic name (literal first, then patterns). */
  topicFor(topic: string): TopicContract | undefined {
    return this.topics.find((t) => !t.isPattern && t.name === topic) ?? this.topics.find((t) => t.isPattern && t.regex.test(topic));
  }

  /** Every concrete topic a broker must have: literals, plus patterns expanded with the stack's engines and priorities. */
  concreteTopics(engines = this.scanEngines, priorities = this.scanPriorities): string[] {
    const out: string[] = [];
    for (const t of this.topics) {
      if (!t.isPattern) out.push(t.name);
      else if (t.name === 'cert-ix.scans.{engine}.{priority}')
        for (const e of engines) for (const p of priorities) out.push(`cert-ix.scans.${e}.${p}`);
      else throw new Error(`contracts: no expansion known for topic pattern ${t.name}`);
    }
    return out;
  }

  scanTopic(engine: string, priority: string): string {
    return `cert-ix.scans.${engine}.${priority}`;
  }

  /** Payload against the topic's JSON schema; unknown fields are tolerated because the schemas leave them open. */
  validatePayload(topic: string, payload: unknown): ValidationResult {
    const t = this.topicFor(topic);
    const f = t ? undefined : this.familyOf(topic);
    if (f) return this.validators.check(`family:${f.name}`, f.envelopeSchema, payload);
    if (!t) return { ok: false, errors: [`topic ${topic} is not in the frozen contract`] };
    return this.validators.check(`topic:${t.name}`, t.payloadSchema, payload);
  }

  /** Headers (as strings) against the topic's header schema (schema-version "1.0"). */
  validateHeaders(topic: string, headers: Record<string, string | undefined>): ValidationResult {
    const t = this.topicFor(topic);
    const f = t ? undefined : this.familyOf(topic);
    if (f) return this.validators.check(`family-headers:${f.name}`, f.headersSchema, headers);
    if (!t) return { ok: false, errors: [`topic ${topic} is not in the frozen contract`] };
    return this.validators.check(`headers:${t.name}`, t.headersSchema, headers);
  }

  /** A value against a named schema of openapi.yaml's components (e.g. `Health`). */
  validateSchema(name: string, value: unknown): ValidationResult {
    const schema = this.openapi.components?.schemas?.[name];
    if (!schema) return { ok: false, errors: [`no schema ${name} in openapi.yaml components`] };
    return this.validators.check(`schema:${name}`, openApiToJsonSchema(refResolver(this.openapi)(schema)), value);
  }

  /** A response body against the route's schema for that status. */
  validateResponse(operationId: string, status: number, body: unknown): ValidationResult {
    const r = this.route(operationId);
    const schema = r.responses[String(status)];
    if (!(String(status) in r.responses)) return { ok: false, errors: [`status ${status} is not in the contract of ${operationId}`] };
    if (!schema) return { ok: true, errors: [] };
    return this.validators.check(`response:${operationId}:${status}`, schema, body);
  }
}

/**
 * A family from its name in the compliance matrix (`cert-ix.payment.*`) and the channels under its prefix: the envelope is the fields every
 * channel requires, each with the first channel's schema when all channels agree on it (a field they type differently is
 * required, of any type). A family no channel is in has no envelope to hold a topic to, which is a contract error.
 */
function familyOf(name: string, topics: TopicContract[], headersSchema: object): TopicFamily {
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.\*$/.test(name)) throw new Error(`contracts: frozen family "${name}" must be <prefix>.* (asyncapi.yaml x-flowgate.frozenFamilies)`);
  const prefix = name.slice(0, -1);
  const members = topics.filter((t) => t.name.startsWith(prefix));
  if (!members.length) throw new Error(`contracts: frozen family "${name}" has no channel in asyncapi.yaml`);
  const required = (t: TopicContract) => ((t.payloadSchema as any).required ?? []) as string[];
  const shared = required(members[0]).filter((k) => members.every((t) => required(t).includes(k)));
  const properties: Record<string, object> = {};
  for (const k of shared) {
    const schemas = members.map((t) => (t.payloadSchema as any).properties?.[k] ?? {});
    properties[k] = schemas.every((x) => JSON.stringify(x) === JSON.stringify(schemas[0])) ? schemas[0] : {};
  }
  return {
    name,
    regex: new RegExp(`^${prefix.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}[^.]+(\\.[^.]+)*$`),
    channels: members.map((t) => t.name),
    envelopeSchema: { type: 'object', required: shared, properties },
    headersSchema,
  };
}

let shared: Contracts | undefined;
/** The contracts of this checkout, parsed once per process. */
export function contracts(): Contracts {
  return (shared ??= new Contracts());
}
