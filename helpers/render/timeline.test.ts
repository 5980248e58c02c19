// Unit tests of the flow timeline: what the recorder keeps, lag after the request, and what the SVG shows for a failed step.
import { test, expect } from '@playwright/test';
import { lagAfterRequest, renderTimelineSvg, TimelineRecorder } from './timeline';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('an event is placed after the request that caused it, with its lag', () => {
  const c = clock();
  const rec = new TimelineRecorder(c.now);
  rec.stepStarted('2. Create asset — POST /api/v1/assets');
  c.advance(100);
  rec.exchange('POST /api/v1/assets → 201', 100);
  rec.seen('event', 'cert-ix.asset.created', c.now() + 250);
  c.advance(400);
  rec.stepEnded('2. Create asset — POST /api/v1/assets');
  const t = rec.timeline({ flow: 'asset', test: 'CRUD' });
  expect(t.steps).toEqual([{ title: '2. Create asset — POST /api/v1/assets', start: 1_000_000, end: 1_000_500, status: 'passed' }]);
  expect(t.items.find((i) => i.kind === 'event')?.lagMs).toBe(350);
  expect(lagAfterRequest(t.items, 'other step', c.now())).toBeUndefined();
});

test('a failed step is red and names what it still awaited when its budget ran out', () => {
  const c = clock();
  const rec = new TimelineRecorder(c.now);
  rec.stepStarted('6. Delete asset — DELETE /api/v1/assets/{id}');
  rec.exchange('DELETE /api/v1/assets/a-1 → 204', 0);
  const w = rec.wait('cert-ix.asset.deleted assetId=a-1', 5000);
  c.advance(5000);
  w.missed();
  rec.stepEnded('6. Delete asset — DELETE /api/v1/assets/{id}', 'EventNotObserved: no cert-ix.asset.deleted within 5 s');
  const done = rec.wait('never drawn', 1000);
  done.done();
  const svg = renderTimelineSvg(rec.timeline({ flow: 'asset', test: 'CRUD', runId: 'r-1', stepBudgetMs: 15000 }));
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).toContain('FAILED');
  expect(svg).toContain('#d93025');
  expect(svg).toContain('✗ never came: cert-ix.asset.deleted assetId=a-1');
  expect(svg).toContain('budget 5.00 s ran out');
  expect(svg).toContain('✗ EventNotObserved: no cert-ix.asset.deleted within 5 s');
  expect(svg).toContain('step budget 15.0 s');
  expect(svg).not.toContain('never drawn');
  expect(svg).not.toMatch(/<script|href=/);
});

test('a wait still open when its step fails counts as never satisfied; text is escaped', () => {
  const c = clock();
  const rec = new TimelineRecorder(c.now);
  rec.stepStarted('1. <Login> & co');
  rec.wait('row audit.login', 3000);
  c.advance(100);
  rec.stepEnded('1. <Login> & co', 'Test timeout of 100ms exceeded');
  expect(rec.items[0].ok).toBe(false);
  const svg = renderTimelineSvg(rec.timeline({ flow: 'auth', test: 't' }));
  expect(svg).toContain('1. &lt;Login&gt; &amp; co');
  expect(svg).not.toContain('<Login>');
});
