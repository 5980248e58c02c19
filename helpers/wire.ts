// Criterion 11 on the wire: every message a test caused (it carries one of the test's ids) checked against the frozen contract, not only the awaited ones.
import { type ContractSource, checkEvent, type ObservedMessage } from './contract';
import { ContractViolation } from './errors';

/** Name of the evidence each test records of its wire check. */
export const WIRE_EVIDENCE = 'contract.events';

export interface WireReport {
  /** messages carrying one of the ids, each checked */
  checked: number;
  /** messages of other tenants or runs in the same window: counted, never judged */
  others: number;
  /** per topic, how many of ours were checked */
  byTopic: Record<string, number>;
  violations: ContractViolation[];
}

/** Ids worth correlating by: long enough not to match by chance (uuids, emails, run-scoped names). */
export function correlatable(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 8;
}

/** The id-like values of a payload (`*Id` fields and `email`), to follow what a test caused downstream. */
export function idsOf(payload: unknown): string[] {
  if (!payload || typeof payload !== 'object') return [];
  return Object.entries(payload as Record<string, unknown>)
    .filter(([k, v]) => (/Id$/.test(k) || k === 'email') && correlatable(v))
    .map(([, v]) => v as string);
}

export function checkRunMessages(c: ContractSource, messages: ObservedMessage[], ids: Iterable<string>): WireReport {
  const wanted = [...ids].filter(correlatable);
  const report: WireReport = { checked: 0, others: 0, byTopic: {}, violations: [] };
  for (const m of messages) {
    const raw = m.value === null || m.value === undefined ? '' : Buffer.isBuffer(m.value) ? m.value.toString('utf8') : m.value;
    // Other tenants' traffic shares the topics on staging: counted, never judged.
    if (!wanted.some((id) => raw.includes(id))) {
      report.others++;
      continue;
    }
    report.checked++;
    report.byTopic[m.topic] = (report.byTopic[m.topic] ?? 0) + 1;
    try {
      checkEvent(c, m);
    } catch (err) {
      if (err instanceof ContractViolation) report.violations.push(err);
      else throw err;
    }
  }
  return report;
}
