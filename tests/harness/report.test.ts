// The release manager's report: opened from disk in Chromium it shows the verdict first; history across runs (trend, sinceLastGo); a timeline per flow.
import { expect } from '@playwright/test';
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, runSmoke, setFaults, targetEnv, cleanup, ROOT, type SmokeRun } from './harness';

const FLOWS = ['auth', 'scan', 'asset', 'payment'];

function buildReport(run: SmokeRun, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/report.ts'], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...env, FLOWGATE_REPORTS_DIR: run.reportsDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const html = join(run.reportsDir, 'allure-report', 'index.html');
  expect(existsSync(html), 'npm run report wrote one HTML file').toBe(true);
  return html;
}

/** Opens the report from file:// as a release manager would (a laptop-sized window, no click) and runs `check` on the page. */
async function firstScreen(html: string, check: (page: import('@playwright/test').Page) => Promise<void>) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => r.url().startsWith('file:') && failedRequests.push(r.url()));
    await page.goto(pathToFileURL(html).href);
    // A 4 MB page renders in seconds on a loaded machine; the verdict and the criteria are its variables, above the tests.
    await page.getByText('Verdict', { exact: true }).waitFor({ timeout: 60_000 });
    await check(page);
    expect(failedRequests, 'the single-file report loads nothing from disk beside itself').toEqual([]);
  } finally {
    await browser.close();
  }
}

/** The data points of the report's status trend (Allure's "Status dynamics" chart: the history plus this run). */
function trendPoints(html: string): number {
  const m = /d\("widgets\/charts\.json","([^"]+)"\)/.exec(readFileSync(html, 'utf8'));
  expect(m, 'the report embeds its charts').toBeTruthy();
  const charts = JSON.parse(Buffer.from(m![1], 'base64').toString('utf8'));
  const trend = Object.values<any>(charts.general).find((c) => c.type === 'statusDynamics');
  return trend?.data?.length ?? 0;
}

function flowResults(run: SmokeRun): any[] {
  const dir = join(run.reportsDir, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .filter((r) => FLOWS.includes(r.labels?.find((l: any) => l.name === 'epic')?.value));
}

function attachmentsOf(step: any): any[] {
  return [...(step.attachments ?? []), ...(step.steps ?? []).flatMap(attachmentsOf)];
}

test('the report opens on GO after a healthy run and on NO-GO with the failing criterion after a fault; three runs give three history lines and a trend; sinceLastGo names the new failure; every flow has its timeline', async ({ stack }) => {
  test.setTimeout(900_000);
  const historyDir = mkdtempSync(join(tmpdir(), 'flowgate-history-'));
  const env = { FLOWGATE_HISTORY: join(historyDir, 'history.jsonl'), FLOWGATE_ALLURE_HISTORY: join(historyDir, 'allure-history.jsonl') };
  const runs: SmokeRun[] = [];
  try {
    const go1 = await runSmoke(targetEnv(stack), [], { env });
    runs.push(go1);
    expect(go1.verdict?.verdict, go1.output.slice(-3000)).toBe('GO');

    // A timeline per flow: attached to the flow's test in Allure, and linked from go-no-go.md.
    const results = flowResults(go1);
    expect(results.map((r) => r.labels.find((l: any) => l.name === 'epic').value).sort()).toEqual([...FLOWS].sort());
    const md = readFileSync(join(go1.reportsDir, 'go-no-go.md'), 'utf8');
    for (const r of results) {
      const flow = r.labels.find((l: any) => l.name === 'epic').value;
      const timeline = attachmentsOf(r).find((a) => a.name === 'flowgate-timeline');
      expect(timeline?.type, `${flow} has its timeline attached`).toBe('image/svg+xml');
      const svg = readFileSync(join(go1.reportsDir, 'allure-results', timeline.source), 'utf8');
      expect(svg).toMatch(/^<svg /);
      expect(svg, `${flow}'s timeline shows its requests`).toContain('→ POST /api/v1/auth/login → 200');
      expect(md).toContain(`(timelines/${flow}.svg)`);
      expect(existsSync(join(go1.reportsDir, 'timelines', `${flow}.svg`))).toBe(true);
    }

    const html1 = buildReport(go1, env);
    await firstScreen(html1, async (page) => {
      const waiting = go1.verdict.criteria.filter((c: any) => c.status !== 'pass').map((c: any) => c.id);
      await expect(page).toHaveTitle(`flowgate GO — release awaiting sign-off: ${waiting.length === 1 ? 'criterion' : 'criteria'} ${waiting.join(', ')} — staging (embedded) — run ${go1.verdict.runId}`);
      await expect(page.getByText('GO', { exact: true })).toBeInViewport();
      await expect(page.getByText(/^awaiting sign-off: criteri(?:on|a) [\d, ]+$/)).toBeInViewport();
      await expect(page.getByText(/^(FAIL|NOT RUN) — /)).toHaveCount(0);
    });

    const go2 = await runSmoke(targetEnv(stack), [], { env });
    runs.push(go2);
    expect(go2.verdict?.verdict, go2.output.slice(-3000)).toBe('GO');
    buildReport(go2, env);

    await setFaults(stack.controlUrl, ['asset-deleted-event-missing']);
    let nogo: SmokeRun;
    try {
      nogo = await runSmoke(targetEnv(stack), [], { env });
    } finally {
      await setFaults(stack.controlUrl, []);
    }
    runs.push(nogo);
    expect(nogo.verdict?.verdict, nogo.output.slice(-3000)).toBe('NO-GO');
    expect(nogo.verdict.sinceLastGo).toEqual({ runId: go2.verdict.runId, time: go2.verdict.finishedAt, newFailures: ['asset › asset flow › CRUD asset → quota syncs'], fixed: [], stillFailing: [] });
    const line = `1 new failure since the last GO (run ${go2.verdict.runId}): asset › asset flow › CRUD asset → quota syncs`;
    expect(nogo.output).toContain(`history: ${line}`);
    expect(readFileSync(join(nogo.reportsDir, 'go-no-go.md'), 'utf8')).toContain(`> ${line}`);

    const history = readFileSync(env.FLOWGATE_HISTORY, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.map((h) => `${h.runId}:${h.verdict}`)).toEqual([go1, go2, nogo].map((r) => `${r.verdict.runId}:${r.verdict.verdict}`));

    buildReport(nogo, env);
    const html3 = buildReport(nogo, env);
    expect(trendPoints(html3), 'three runs make a trend of three points, the last report built twice').toBe(3);
    await firstScreen(html3, async (page) => {
      await expect(page).toHaveTitle(new RegExp(`^flowgate NO-GO — release (?:awaiting sign-off|blocked): criteri(?:on|a) [\\d, ]+(?: not met)? — staging \\(embedded\\) — run ${nogo.verdict.runId}$`));
      await expect(page.getByText('NO-GO', { exact: true })).toBeInViewport();
      await expect(page.getByText(/^FAIL — All 4 E2E flow smoke tests pass: asset failed at "6\. Delete asset — DELETE \/api\/v1\/assets\/\{id\}": EventNotObserved/)).toBeInViewport();
    });
  } finally {
    for (const r of runs) cleanup(r);
    rmSync(historyDir, { recursive: true, force: true });
  }
});
