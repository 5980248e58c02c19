// A test's Allure labels and links (epic and parent suite = its catalogue project, severity, story, criteria, P0 gap links): built here, sent by fixtures/evidence.ts in one message each.
import type { Label, Link } from 'allure-js-commons';
import { PROJECTS, TRANSPORT } from '../verdict/projects';

/** Where a gap link points when FLOWGATE_GAP_URL does not say: your copy of the compliance matrix. */
export const GAP_URL_DEFAULT = 'compliance-baseline-matrix.txt#%s';

export interface LabelledTest {
  /** the catalogue project (helpers/verdict/projects.ts), not the Playwright project */
  project: string;
  title: string;
  tags: readonly string[];
}

/** Blocker for what decides a No-Go by itself (the flows, the auth-bypass probes, TLS); normal for the rest. */
function severityOf(project: string): string {
  const p = PROJECTS.find((x) => x.name === project);
  return p && (p.kind === 'flow' || p.kind === 'probes' || p.name === TRANSPORT) ? 'blocker' : 'normal';
}

/**
 * The labels and links of a test. Allure's parent suite would otherwise be the Playwright project (gate for all but
 * the preflight); a check that covers a P0 gap links to it (`gapUrl`, %s the gap id).
 */
export function testLabels(t: LabelledTest, gapUrl: string): { labels: Label[]; links: Link[] } {
  const after = (prefix: string) => t.tags.filter((x) => x.startsWith(prefix)).map((x) => x.slice(prefix.length));
  return {
    labels: [
      { name: 'epic', value: t.project },
      { name: 'parentSuite', value: t.project },
      { name: 'severity', value: severityOf(t.project) },
      { name: 'story', value: t.title },
      ...after('@criterion-').map((value) => ({ name: 'criterion', value })),
    ],
    links: after('@gap-').map((gap) => ({ url: gapUrl.replace('%s', gap), name: gap, type: 'issue' })),
  };
}
