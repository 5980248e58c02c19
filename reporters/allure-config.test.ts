// Unit tests of the report's configuration: headline, release state before and after the sign-off model, the criteria as variables, the sort, history per target.
import { test, expect } from '@playwright/test';
import { ALLURE_CATEGORIES, allureConfig, harden, headline, releaseState, reportName, reportPaths, reportVariables } from './allure-config';
import { ERROR_CLASSES } from '../helpers/errors';

const criteria = (over: Record<number, string> = {}) =>
  Array.from({ length: 12 }, (_, i) => ({ id: i + 1, title: `criterion ${i + 1}`, status: over[i + 1] ?? ([1, 3].includes(i + 1) ? 'not-evaluated' : 'pass'), detail: `detail ${i + 1}\nsecond line` }));

test('the headline reads the release field when the verdict has one, and derives it before that', () => {
  const old = { verdict: 'GO', target: { name: 'embedded' }, runId: 'r-1', criteria: criteria() };
  expect(releaseState(old)).toEqual({ release: 'awaiting-sign-off', awaiting: [1, 3] });
  expect(headline(old)).toBe('GO — release awaiting sign-off: criteria 1, 3');
  expect(reportName(old)).toBe('flowgate GO — release awaiting sign-off: criteria 1, 3 — embedded — run r-1');
  expect(headline({ ...old, release: 'ready', awaitingSignOff: [] })).toBe('GO — release ready');
  expect(headline({ ...old, release: 'awaiting-sign-off', awaitingSignOff: [3] })).toBe('GO — release awaiting sign-off: criterion 3');
  expect(headline({ ...old, verdict: 'NO-GO', couldNotEvaluate: true })).toMatch(/^NO-GO \(could not evaluate\)/);
  expect(reportName(undefined)).toMatch(/no verdict/);
});

test('variables: verdict, release, why, fired triggers and all twelve criteria, failing first, each with its one-line reason', () => {
  const v = { verdict: 'NO-GO', target: { name: 'staging' }, runId: 'r', criteria: criteria({ 2: 'fail', 9: 'not-run' }), triggers: [{ id: 'flow-failing', fired: true, detail: 'auth failed\nmore' }] };
  const vars = reportVariables(v);
  expect(Object.keys(vars)).toEqual(['Verdict', 'Release', 'Triggers fired', ...[2, 9, 1, 3, 4, 5, 6, 7, 8, 10, 11, 12].map((id) => `Criterion ${id}`)]);
  expect(vars).toMatchObject({
    Verdict: 'NO-GO',
    Release: 'awaiting sign-off: criteria 1, 3',
    'Triggers fired': 'flow-failing: auth failed',
    'Criterion 2': 'FAIL — criterion 2: detail 2',
    'Criterion 9': 'NOT RUN — criterion 9: detail 9',
    'Criterion 1': 'not evaluated — criterion 1: detail 1',
    'Criterion 4': 'pass — criterion 4',
  });
  expect(vars.Why).toBeUndefined();
  expect(reportVariables({ verdict: 'NO-GO', criteria: criteria(), notes: ['shard 2 of 2 missing: the verdict covers only part of the run'] }).Why).toBe('shard 2 of 2 missing: the verdict covers only part of the run');
  expect(reportVariables(undefined).Verdict).toMatch(/^none/);
});

test('the configuration: single file, epic then story, history limit 30, categories, go-no-go.md only when present', () => {
  const paths = reportPaths({ FLOWGATE_REPORTS_DIR: '/tmp/fg-none' }, '/');
  const cfg = allureConfig(paths, undefined);
  // an explicit sort (Allure's own option, not start times): failed, broken, passed, skipped
  expect(cfg.plugins.awesome.options).toMatchObject({ singleFile: true, groupBy: ['epic', 'story'], defaultSortBy: 'status,asc' });
  expect(cfg.historyLimit).toBe(30);
  expect(cfg.historyPath).toBe('/tmp/fg-none/allure-history.unknown-target.jsonl');
  expect(allureConfig(paths, { verdict: 'GO', target: { name: 'embedded' } }).historyPath).toBe('/tmp/fg-none/allure-history.embedded.jsonl');
  // the run's own results only: the verdict is in the variables, not a test result
  expect(cfg.resultsDir).toEqual(['/tmp/fg-none/allure-results']);
  expect(cfg.categories.rules.map((r) => r.name)).toEqual(['auth bypass', 'auth probe error', 'contract violation', 'event not observed', 'unexpected response', 'database state', 'infrastructure unreachable', 'budget exceeded', 'configuration']);
  expect(cfg.globalAttachments).toEqual([]);
});

test('the Allure categories come from the error classes: each class name lands in its category, plain driver and timeout text too', () => {
  const matches = (message: string) => ALLURE_CATEGORIES.filter((r) => r.matchers.message.test(message)).map((r) => r.name);
  for (const [name, cls] of Object.entries(ERROR_CLASSES)) expect(matches(`${name}: something`), name).toEqual([cls.category]);
  expect(matches('EventNotObserved: no cert-ix.asset.deleted')).toEqual(['event not observed']);
  expect(matches('Error: connect ECONNREFUSED 127.0.0.1:9093')).toEqual(['infrastructure unreachable']);
  expect(matches('KafkaJSConnectionError: Connection error')).toEqual(['infrastructure unreachable']);
  expect(matches('Test timeout of 30000ms exceeded.')).toEqual(['budget exceeded']);
  expect(matches('expect(received).toBe(expected)')).toEqual([]);
});

test('harden: the embedded data store is declared before the app script, the analytics tag is gone, twice is once', () => {
  const html = '<html><head><title>x</title></head><body><script src="data:app"></script><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script><script async>window.allureReportData = window.allureReportData || {};</script></body></html>';
  const out = harden(html);
  expect(out.indexOf('window.allureReportData || {};</script>\n</head>')).toBeLessThan(out.indexOf('data:app'));
  expect(out).not.toContain('googletagmanager');
  expect(harden(out)).toBe(out);
  // the verdict stays on the first screen: Allure's tree focus must not scroll it away on load
  expect(out.indexOf('data-flowgate="verdict-on-top"')).toBeGreaterThan(out.indexOf('data:app'));
  expect(harden('<html>not a report</html>')).toBe('<html>not a report</html>');
});
