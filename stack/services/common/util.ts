// Small helpers the service models share: ids, timestamps, and reading consumed events defensively.
import { randomUUID } from 'node:crypto';
import type { ConsumedEvent, ProduceOptions, ServiceContext } from '../../types';

export const newId = (prefix: string) => `${prefix}_${randomUUID()}`;
export const nowIso = () => new Date().toISOString();
export const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/**
 * The event's payload when it is an object carrying every named field, else null: topics may carry junk (tests
 * flood them), and a consumer ignores what it cannot act on instead of failing.
 */
export function fieldsOf(ctx: ServiceContext, ev: ConsumedEvent, ...keys: string[]): Record<string, any> | null {
  const v = ev.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    ctx.log(`${ctx.name}: ignored non-object message on ${ev.topic}`);
    return null;
  }
  const missing = keys.filter((k) => v[k] === undefined || v[k] === null || v[k] === '');
  if (missing.length) {
    ctx.log(`${ctx.name}: ignored message on ${ev.topic} without ${missing.join(', ')}`);
    return null;
  }
  return v;
}

/** Produces an event; a payload off-contract is logged (faults produce such payloads on purpose), never blocked. */
export async function emit(ctx: ServiceContext, topic: string, payload: Record<string, unknown>, opts?: ProduceOptions): Promise<void> {
  const check = ctx.contracts.validatePayload(topic, payload);
  if (!check.ok) ctx.log(`${ctx.name}: producing ${topic} off-contract: ${check.errors.join('; ')}`);
  await ctx.bus.produce(topic, payload, opts);
}

/** Dispatches one consumer's messages by topic (one consume() per service, one consumer group per service). */
export async function consumeTopics(ctx: ServiceContext, handlers: Record<string, (ev: ConsumedEvent) => Promise<void>>, patterns: [RegExp, (ev: ConsumedEvent) => Promise<void>][] = []): Promise<void> {
  const topics: (string | RegExp)[] = [...Object.keys(handlers), ...patterns.map(([re]) => re)];
  await ctx.bus.consume(topics, async (ev) => {
    const h = handlers[ev.topic] ?? patterns.find(([re]) => re.test(ev.topic))?.[1];
    if (h) await h(ev);
  });
}

export function db(ctx: ServiceContext) {
  if (!ctx.db) throw new Error(`${ctx.name}: no database pool was given`);
  return ctx.db;
}
