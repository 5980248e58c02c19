// Which target a run is meant for (FLOWGATE_TARGET embedded|staging), decided from the environment before anything starts (pure).
import type { Env } from './parsers';
import { DB_VARS, OPTIONAL_DBS } from './schema';

export type TargetKind = 'embedded' | 'staging';

/** The variables that point a run at a deployed target: any one of them set means "not the embedded stack". */
export const TARGET_VARS: readonly string[] = ['KONG_URL', 'KAFKA_BROKERS', 'REDIS_URL', ...Object.values(DB_VARS)];
/** The ones a staging run cannot do without (the optional databases may be absent). */
export const REQUIRED_TARGET_VARS: readonly string[] = [
  'KONG_URL',
  'KAFKA_BROKERS',
  'REDIS_URL',
  ...Object.entries(DB_VARS)
    .filter(([k]) => !OPTIONAL_DBS.includes(k as keyof typeof DB_VARS))
    .map(([, v]) => v),
];

export type TargetDecision =
  | { ok: true; kind: TargetKind; /** true when FLOWGATE_TARGET said it; false when inferred */ explicit: boolean; why: string }
  | { ok: false; kind?: TargetKind; problem: string };

const isSet = (env: Env, k: string) => (env[k] ?? '').trim() !== '';

/**
 * FLOWGATE_TARGET decides; unset, any target variable set means staging and none means embedded. A staging run missing a
 * required variable, or an embedded run that also names a gateway, is a contradiction said before any stack starts.
 */
export function decideTarget(env: Env): TargetDecision {
  const raw = (env.FLOWGATE_TARGET ?? '').trim();
  const set = TARGET_VARS.filter((k) => isSet(env, k));
  if (raw !== '' && raw !== 'embedded' && raw !== 'staging') return { ok: false, problem: `FLOWGATE_TARGET must be embedded or staging, got ${JSON.stringify(raw.slice(0, 40))}` };
  const kind: TargetKind = raw === '' ? (set.length ? 'staging' : 'embedded') : (raw as TargetKind);
  const explicit = raw !== '';
  if (kind === 'embedded') {
    // The embedded stack sets every target variable itself; one already set would be silently replaced.
    if (set.length)
      return { ok: false, kind, problem: `FLOWGATE_TARGET=embedded contradicts ${set.join(', ')} being set: the embedded stack would replace ${set.length === 1 ? 'it' : 'them'}. Unset ${set.length === 1 ? 'it' : 'them'}, or set FLOWGATE_TARGET=staging` };
    return { ok: true, kind, explicit, why: explicit ? 'FLOWGATE_TARGET=embedded' : 'no target variable is set' };
  }
  const missing = REQUIRED_TARGET_VARS.filter((k) => !isSet(env, k));
  if (missing.length) {
    const because = explicit ? 'FLOWGATE_TARGET=staging' : `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set (so the target is staging)`;
    return { ok: false, kind, problem: `${because}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set; no stack is started for staging` };
  }
  return { ok: true, kind, explicit, why: explicit ? 'FLOWGATE_TARGET=staging' : `${set[0]} and the other target variables are set` };
}

/** How a report names its target: the kind, and the target's own name when it says more (`staging (compose)`). */
export function targetLabel(t: { kind?: string; name?: string } | undefined): string {
  if (!t) return 'unknown target';
  if (!t.kind) return t.name ?? 'unknown target';
  return t.name && t.name !== t.kind ? `${t.kind} (${t.name})` : t.kind;
}

/**
 * The target's name: FLOWGATE_TARGET_NAME; unset, a staging target is named after its gateway's host (so a report
 * never calls every target "staging"), and the embedded one `embedded`.
 */
export function targetName(env: Env, kind: TargetKind): string {
  const set = (env.FLOWGATE_TARGET_NAME ?? '').trim();
  if (set) return set;
  if (kind === 'staging') {
    try {
      const host = new URL((env.KONG_URL ?? '').trim()).hostname.replace(/^\[|\]$/g, '');
      if (host) return host;
    } catch {
      // no gateway URL to name it after
    }
  }
  return kind;
}
