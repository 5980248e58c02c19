// The environment the Allure report shows: the Kafka client is named with the version its package.json file holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { allureEnvironment, version } from './release-extras';

test('the Kafka client is @platformatic/kafka at the installed version (its exports leave package.json out)', () => {
  const installed = JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', '@platformatic', 'kafka', 'package.json'), 'utf8')).version;
  expect(version('@platformatic/kafka')).toBe(installed);
  expect(version('no-such-package-here')).toBe('unknown');
  const env = allureEnvironment({ target: { name: 'embedded' }, runId: 'fg-1' } as any);
  expect(env.kafkaClient).toBe(`@platformatic/kafka ${installed}`);
  expect(Object.keys(env)).not.toContain('kafkajs');
});
