// No-Go trigger: auth bypass possible on a P0 service: a bad or another tenant's token served (fired), or a probe answered 5xx (not ruled out).
import { BYPASS } from '../../../contracts/flows';
import { type Category, firstLine } from '../../errors';
import { defineTrigger, type RunContext, type TriggerOutcome } from '../criteria/types';
import { describeFlow, type ErrorModel, stepError, type TestModel, testFlowStatus } from '../run';
import { passedOrAllowed } from './status';

/** The test's error of `category`: its failed step's (structured category first), else its own; undefined when it did not fail so. */
function errorOf(t: TestModel, category: Category): ErrorModel | undefined {
  if (testFlowStatus(t) === 'passed') return undefined;
  const step = t.steps.map((s) => stepError(t, s)).find((e) => e?.category === category);
  return step ?? (t.error?.category === category ? t.error : undefined);
}

/** Every finding, by route: `GET /x accepted none token → 200, expired token → 200`. */
function byRoute(findings: { route: string; tokenKind: string; status: number }[]): string {
  const routes = new Map<string, string[]>();
  for (const f of findings) routes.set(f.route, [...(routes.get(f.route) ?? []), `${f.tokenKind} token → ${f.status}`]);
  return [...routes].map(([route, kinds]) => `${route} accepted ${kinds.join(', ')}`).join('; ');
}

function evaluate(ctx: RunContext): TriggerOutcome {
  const { run } = ctx;
  const findings = run.tests.flatMap((t) => t.findings.map((f) => ({ ...f, test: t.title })));
  const bypassed = run.tests.map((t) => errorOf(t, 'auth bypass')).find(Boolean);
  // A 5xx is not a bypass (nothing was served), but it does not rule one out either: the trigger stays not-run.
  const erred = run.tests.map((t) => errorOf(t, 'auth probe error')).find(Boolean);
  const probes = ctx.flow(BYPASS);
  const clear = passedOrAllowed(probes, run.allowFlaky);
  const fired = findings.length > 0 || !!bypassed;
  const n = ctx.testsOfFlow(BYPASS).length;
  const detail = findings.length
    ? byRoute(findings)
    : bypassed
      ? firstLine(bypassed.message)
      : erred
        ? `bypass not ruled out: ${erred.message.replace(/\s*\n\s*/g, ' ')}`
        : clear
          ? `every protected route answered 401 to every bad token (${n} test${n === 1 ? '' : 's'})`
          : `bypass not ruled out: ${describeFlow(probes, run.allowFlaky)}`;
  return { fired, status: fired ? 'fired' : clear ? 'clear' : 'not-run', detail, ...(findings.length ? { findings } : {}) };
}

export default defineTrigger({ id: 'auth-bypass', title: 'Auth bypass possible on any P0 service', evaluate });
