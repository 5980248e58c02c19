// Criteria 4, 5, 6 and the gap findings (P0-06), decided from the transport tests (tagged @criterion-N) and their evidence.
import { firstLine } from '../errors';
import type { Evidence, TransportEvidence } from './evidence';

type Status = 'passed' | 'failed' | 'flaky' | 'skipped' | 'not-run';

/** What this module needs of a test (a subset of verdict.ts' TestModel, so it can be re-homed without it). */
export interface TransportTest {
  title: string;
  project: string;
  tags: string[];
  evidence: Evidence[];
  steps: { title: string; status: string; error?: { message: string } }[];
  error?: { message: string };
}

export interface TransportCriterion {
  status: 'pass' | 'fail' | 'not-run' | 'awaiting-sign-off';
  detail: string;
  /** host:port and why, for every endpoint that failed (what tls-not-enforced names) */
  failures: string[];
}

export interface GapFinding {
  gap: string;
  endpoint: string;
  detail: string;
  test: string;
  /** the step that found it */
  step: string;
}

const transportData = (e: Evidence): TransportEvidence | undefined => {
  const d = e.data as TransportEvidence | undefined;
  return e.kind === 'transport' && d && typeof d.endpoint === 'string' && typeof d.ok === 'boolean' ? d : undefined;
};

/** Every piece of transport evidence of a test. */
export function transportEvidence(t: Pick<TransportTest, 'evidence'>): TransportEvidence[] {
  return t.evidence.map(transportData).filter((d): d is TransportEvidence => !!d);
}

/** One criterion (4, 5 or 6) from the tests tagged `@criterion-<id>`; `statusOf` is the verdict's fail-closed test status. */
export function transportCriterion(id: number, tests: TransportTest[], statusOf: (t: TransportTest) => Status, allowFlaky: boolean): TransportCriterion {
  const mine = tests.filter((t) => t.tags.includes(`@criterion-${id}`));
  if (!mine.length) return { status: 'not-run', detail: `no connection test for criterion ${id} ran (the transport project did not run)`, failures: [] };
  const failures: string[] = [];
  for (const t of mine) {
    const st = statusOf(t);
    if (st !== 'failed' && !(st === 'flaky' && !allowFlaky)) continue;
    const bad = transportEvidence(t).filter((d) => !d.ok);
    if (bad.length) failures.push(...bad.map((d) => `${d.endpoint}: ${firstLine(d.answered)}`));
    else {
      // failed before it recorded anything: the failing step names what was being tried
      const step = t.steps.find((s) => s.status === 'failed');
      failures.push(`${step?.title ?? t.title}: ${firstLine((step?.error ?? t.error)?.message) || st}`);
    }
  }
  if (failures.length) return { status: 'fail', detail: failures.join('; '), failures };
  const incomplete = mine.filter((t) => statusOf(t) !== 'passed' && !(statusOf(t) === 'flaky' && allowFlaky));
  if (incomplete.length) return { status: 'not-run', detail: incomplete.map((t) => `"${t.title}" ${statusOf(t)}`).join('; '), failures: [] };
  const seen = mine.flatMap(transportEvidence).filter((d) => d.ok);
  // a pass that recorded no endpoint proves nothing
  if (!seen.length) return { status: 'not-run', detail: `the criterion ${id} checks passed but recorded no endpoint evidence`, failures: [] };
  const endpoints = [...new Set(seen.map((d) => d.endpoint))];
  // nothing failed, but part of the target could not be seen (configuration denied, nothing found): never a pass
  const unseen = [...new Set(seen.map((d) => d.unseen).filter((u): u is string => !!u))];
  if (unseen.length) return { status: 'awaiting-sign-off', detail: `${unseen.join('; ')} (${endpoints.length} endpoint(s) tried: ${endpoints.join(', ')})`, failures: [] };
  const tls = [...new Set(seen.map((d) => d.tlsVersion).filter(Boolean))];
  return { status: 'pass', detail: `${endpoints.length} endpoint(s) checked (${endpoints.join(', ')})${tls.length ? `; ${tls.join(', ')}` : ''}`, failures: [] };
}

/** Gap findings recorded as evidence (`gap` set), e.g. P0-06: a database server that accepts plaintext. */
export function gapFindings(tests: TransportTest[]): GapFinding[] {
  return tests.flatMap((t) =>
    t.evidence.flatMap((e) => {
      const d = transportData(e);
      return d?.gap ? [{ gap: d.gap, endpoint: d.endpoint, detail: firstLine(d.answered), test: t.title, step: e.step }] : [];
    }),
  );
}
