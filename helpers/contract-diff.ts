// The compliance matrix §6's additive-only rule: the working contracts against their frozen 1.0 baseline (contracts/frozen/), naming every breaking change by path.
export type BreakingRule = 'removed-topic' | 'removed-route' | 'removed-field' | 'removed-enum-value' | 'type-change' | 'new-required-field';

export interface BreakingChange {
  rule: BreakingRule;
  /** where, e.g. `asyncapi channels.cert-ix.asset.created payload.value` */
  path: string;
  detail: string;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

function resolver(doc: any) {
  return (node: any): any => {
    let n = node;
    for (let i = 0; i < 32 && n && typeof n === 'object' && typeof n.$ref === 'string' && n.$ref.startsWith('#/'); i++)
      n = n.$ref.slice(2).split('/').reduce((acc: any, k: string) => acc?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    return n;
  };
}

/** Compares one schema with its successor: fields, enum values and types may only be added, required fields never. */
function compareSchema(before: any, after: any, path: string, rb: (n: any) => any, ra: (n: any) => any, out: BreakingChange[], depth = 0): void {
  const o = rb(before);
  const n = ra(after);
  if (!o || typeof o !== 'object' || depth > 20) return;
  if (!n || typeof n !== 'object') {
    out.push({ rule: 'removed-field', path, detail: 'the schema is gone' });
    return;
  }
  if (o.type !== undefined && JSON.stringify(o.type) !== JSON.stringify(n.type))
    out.push({ rule: 'type-change', path, detail: `type ${JSON.stringify(o.type)} became ${JSON.stringify(n.type)}` });
  if (Array.isArray(o.enum)) {
    const kept = Array.isArray(n.enum) ? n.enum : undefined;
    for (const v of o.enum) if (kept && !kept.includes(v)) out.push({ rule: 'removed-enum-value', path, detail: `enum value ${JSON.stringify(v)} removed` });
  }
  const oldRequired: string[] = Array.isArray(o.required) ? o.required : [];
  for (const r of Array.isArray(n.required) ? n.required : []) if (!oldRequired.includes(r)) out.push({ rule: 'new-required-field', path: `${path}.${r}`, detail: `field ${r} became required` });
  for (const [k, v] of Object.entries<any>(o.properties ?? {})) {
    if (!n.properties || !(k in n.properties)) out.push({ rule: 'removed-field', path: `${path}.${k}`, detail: `field ${k} removed` });
    else compareSchema(v, n.properties[k], `${path}.${k}`, rb, ra, out, depth + 1);
  }
  if (o.items) compareSchema(o.items, n.items, `${path}[]`, rb, ra, out, depth + 1);
}

/** Every breaking change of the AsyncAPI document: removed topics, and payload or header schemas narrowed. */
export function diffAsyncApi(frozen: any, working: any): BreakingChange[] {
  const out: BreakingChange[] = [];
  const rb = resolver(frozen);
  const ra = resolver(working);
  const messageOf = (r: (n: any) => any, ch: any) => r(ch?.subscribe?.message ?? ch?.publish?.message ?? {});
  for (const [name, ch] of Object.entries<any>(frozen.channels ?? {})) {
    const now = working.channels?.[name];
    const where = `asyncapi channels.${name}`;
    if (!now) {
      out.push({ rule: 'removed-topic', path: where, detail: `topic ${name} removed` });
      continue;
    }
    const mo = messageOf(rb, ch);
    const mn = messageOf(ra, now);
    compareSchema(mo.payload, mn.payload, `${where} payload`, rb, ra, out);
    const headers = (m: any, r: (n: any) => any) => (m.traits ?? []).map(r).reduce((acc: any, t: any) => t?.headers ?? acc, m.headers);
    compareSchema(headers(mo, rb), headers(mn, ra), `${where} headers`, rb, ra, out);
  }
  return out;
}

/** Every breaking change of the OpenAPI document: removed routes or documented statuses, request and response schemas narrowed. */
export function diffOpenApi(frozen: any, working: any): BreakingChange[] {
  const out: BreakingChange[] = [];
  const rb = resolver(frozen);
  const ra = resolver(working);
  for (const [path, item] of Object.entries<any>(frozen.paths ?? {})) {
    for (const m of METHODS.filter((x) => item?.[x])) {
      const where = `openapi ${m.toUpperCase()} ${path}`;
      const op = item[m];
      const now = working.paths?.[path]?.[m];
      if (!now) {
        out.push({ rule: 'removed-route', path: where, detail: `route ${m.toUpperCase()} ${path} removed` });
        continue;
      }
      const body = (o: any, r: (n: any) => any) => r(o.requestBody)?.content?.['application/json']?.schema;
      if (body(op, rb)) compareSchema(body(op, rb), body(now, ra), `${where} requestBody`, rb, ra, out);
      for (const [code, res] of Object.entries<any>(op.responses ?? {})) {
        const later = now.responses?.[code];
        if (!later) {
          out.push({ rule: 'removed-route', path: `${where} ${code}`, detail: `response ${code} of ${m.toUpperCase()} ${path} removed` });
          continue;
        }
        const schema = rb(res)?.content?.['application/json']?.schema;
        if (schema) compareSchema(schema, ra(later)?.content?.['application/json']?.schema, `${where} ${code}`, rb, ra, out);
      }
    }
  }
  return out;
}
