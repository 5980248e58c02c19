// Unit tests of the output paths: one reports folder, every output inside it, the histories movable by their variables.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { outputPaths, outputsIn, REPO_ROOT, reportsDir, RUN_OUTPUTS, shardOutputs } from './paths';

test('unset, the reports folder is reports/ at the repository root, wherever the command runs', () => {
  expect(reportsDir({}, '/somewhere/else')).toBe(join(REPO_ROOT, 'reports'));
  expect(reportsDir({ FLOWGATE_REPORTS_DIR: 'out' }, '/w')).toBe('/w/out');
  expect(reportsDir({ FLOWGATE_REPORTS_DIR: '  ' }, '/w')).toBe(join(REPO_ROOT, 'reports'));
});

test('every output lives in the reports folder; the two histories follow their variables', () => {
  const p = outputPaths({ FLOWGATE_REPORTS_DIR: '/r' }, '/w');
  expect(p).toMatchObject({ reportsDir: '/r', verdictJson: '/r/go-no-go.json', verdictMd: '/r/go-no-go.md', junit: '/r/junit.xml', allureResults: '/r/allure-results', timelines: '/r/timelines', shards: '/r/shards', history: '/r/history.jsonl', allureHistory: '/r/allure-history.jsonl' });
  const moved = outputsIn('/r', { FLOWGATE_HISTORY: 'h.jsonl', FLOWGATE_ALLURE_HISTORY: '/a/h.jsonl' }, '/w');
  expect(moved.history).toBe('/w/h.jsonl');
  expect(moved.allureHistory).toBe('/a/h.jsonl');
  expect(shardOutputs('/r', '1-of-2')).toEqual({ blob: '/r/shards/1-of-2/blob', allureResults: '/r/shards/1-of-2/allure-results' });
  // what a new run deletes first is the verdict and what merges into it, never the history
  expect([...RUN_OUTPUTS].sort()).toEqual(['allure-results', 'go-no-go.json', 'go-no-go.md', 'junit.xml']);
});
