// Unit tests of the embedded stack's requirements: PATH lookup without running anything, Maven optional once the jars are there, one line each.
import { test, expect } from '@playwright/test';
import { formatRequirement, missingForEmbedded, onPath, requirements, type Requirement } from './requirements';

test('onPath finds executables on PATH or by absolute path, and nothing that is not there', () => {
  expect(onPath('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
  expect(onPath('/bin/sh')).toBe('/bin/sh');
  expect(onPath('sh', '/nonexistent')).toBeUndefined();
  expect(onPath('no-such-tool-flowgate')).toBeUndefined();
});

test('every requirement the issue names has a line; without the jars Maven becomes required', () => {
  const before = process.env.FLOWGATE_KAFKA_JARS;
  process.env.FLOWGATE_KAFKA_JARS = '/nonexistent/flowgate-jars';
  try {
    const reqs = requirements({ versions: false });
    expect(reqs.map((r) => r.name)).toEqual(['Node.js >= 22.22 (24 LTS)', 'JDK (java) >= 17', 'Maven (mvn)', 'Kafka broker jars', 'PostgreSQL 15 binaries', 'Redis 7 (redis-server)', 'Chromium', 'openssl']);
    const jars = reqs.find((r) => r.name === 'Kafka broker jars')!;
    expect(jars.found).toBe(false);
    expect(missingForEmbedded(reqs).map((r) => r.name)).toContain('Kafka broker jars');
    expect(reqs.find((r) => r.name === 'Maven (mvn)')!.required).toBe(true);
  } finally {
    if (before === undefined) delete process.env.FLOWGATE_KAFKA_JARS;
    else process.env.FLOWGATE_KAFKA_JARS = before;
  }
});

test('a line says found with version and place, or missing with how to get it; optional misses do not block', () => {
  const found: Requirement = { name: 'Redis 7 (redis-server)', found: true, where: '/usr/bin/redis-server', version: '7.0.15', how: 'apt-get install redis-server', required: true };
  const missing: Requirement = { ...found, found: false, where: undefined, version: undefined };
  const optional: Requirement = { name: 'Maven (mvn)', found: false, how: 'apt-get install maven', required: false, note: 'not needed: the Kafka jars are already there' };
  expect(formatRequirement(found)).toMatch(/^found\s+Redis 7 \(redis-server\)\s+7\.0\.15 \(\/usr\/bin\/redis-server\)$/);
  expect(formatRequirement(missing)).toMatch(/^MISSING\s+Redis 7 \(redis-server\)\s+apt-get install redis-server$/);
  expect(formatRequirement(optional)).toContain('missing  Maven (mvn)');
  expect(missingForEmbedded([found, optional])).toEqual([]);
  expect(missingForEmbedded([missing, optional])).toEqual([missing]);
});
