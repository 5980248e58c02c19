// Tests of the infrastructure layer on real processes: readiness waits, group stops, and startup errors that name the component with its log tail.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError } from './errors';
import { freePort, isPortOpen } from './ports';
import { groupAlive, pidAlive, startProcess, waitUntil } from './process';
import { startRedis } from './redis';
import { startKafka } from './kafka';
import { startStack } from '../index';
import { stackProcessesUnder } from '../stack.helpers';

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowgate-infra-test-'));
});
test.afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('waitUntil ends at once, with the log tail, when the process dies', async () => {
  const logFile = join(dir, 'p.log');
  const p = startProcess({ component: 'redis', command: 'sh', args: ['-c', 'echo "bind: Address already in use"; exit 3'], logFile });
  const t = Date.now();
  const err = await waitUntil({ what: 'demo to listen', component: 'redis', timeoutMs: 30_000, process: p, check: async () => undefined }).catch((e) => e);
  expect(Date.now() - t).toBeLessThan(5_000);
  expect(err).toBeInstanceOf(StartupError);
  expect(err.component).toBe('redis');
  expect(err.message).toContain('exited with code 3 while waiting for demo to listen');
  expect(err.logTail).toContain('Address already in use');
});

test('waitUntil names what it waited for when the deadline passes', async () => {
  const err = await waitUntil({ what: 'the moon to turn blue', component: 'redis', timeoutMs: 300, check: async () => { throw new Error('still white'); } }).catch((e) => e);
  expect(err).toBeInstanceOf(StartupError);
  expect(err.message).toMatch(/timed out after 300 ms waiting for the moon to turn blue \(last error: still white\)/);
});

test('stop() kills the whole process group, children included', async () => {
  const logFile = join(dir, 'g.log');
  // the child ignores SIGTERM, so only the group kill after the grace period ends it
  const p = startProcess({ component: 'redis', command: 'sh', args: ['-c', "sh -c 'trap \"\" TERM; echo child $$; while :; do sleep 0.2; done' & wait"], logFile, stopGraceMs: 500 });
  await waitUntil({ what: 'the child to start', component: 'redis', timeoutMs: 5_000, process: p, check: async () => p.tail().includes('child') });
  const child = Number(/child (\d+)/.exec(p.tail())![1]);
  expect(pidAlive(child)).toBe(true);
  await p.stop();
  expect(pidAlive(p.pid)).toBe(false);
  expect(groupAlive(p.pid)).toBe(false);
  expect(pidAlive(child)).toBe(false);
  await p.stop(); // idempotent
});

test('when the owner is SIGKILLed, the watchdog kills its process groups and removes its dirs', async () => {
  test.setTimeout(60_000);
  const victimDir = join(dir, 'victim');
  require('node:fs').mkdirSync(victimDir);
  // a separate Node process owns a process group and a dir, then dies without any chance to clean up
  const script = `
    const { startProcess } = require(${JSON.stringify(join(__dirname, 'process.ts'))});
    const { reapDirOnDeath } = require(${JSON.stringify(join(__dirname, 'reaper.ts'))});
    const p = startProcess({ component: 'victim', command: 'sleep', args: ['1000'], logFile: ${JSON.stringify(join(dir, 'victim.log'))} });
    reapDirOnDeath(${JSON.stringify(victimDir)});
    console.log('PID ' + p.pid);
    setInterval(() => {}, 1000);
  `;
  const owner = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  owner.stdout.on('data', (d) => (out += d));
  const pid = await waitUntil({ what: 'the owner to report its child pid', component: 'stack', timeoutMs: 30_000, check: async () => Number(/PID (\d+)/.exec(out)?.[1]) || undefined });
  expect(groupAlive(pid)).toBe(true);
  process.kill(owner.pid!, 'SIGKILL');
  await waitUntil({ what: `process group ${pid} to be killed by the watchdog`, component: 'stack', timeoutMs: 15_000, check: async () => !groupAlive(pid) });
  await waitUntil({ what: `${victimDir} to be removed by the watchdog`, component: 'stack', timeoutMs: 15_000, check: async () => !existsSync(victimDir) });
});

test('a command that does not exist is a StartupError, not a hang', async () => {
  const p = startProcess({ component: 'redis', command: '/nonexistent/flowgate-binary', args: [], logFile: join(dir, 'x.log') });
  const err = await waitUntil({ what: 'nothing', component: 'redis', timeoutMs: 10_000, process: p, check: async () => undefined }).catch((e) => e);
  expect(err).toBeInstanceOf(StartupError);
  expect(err.message).toMatch(/could not run .*ENOENT/);
});

test('freePort gives distinct bindable ports; isPortOpen tells listening from closed', async () => {
  const ports = await Promise.all(Array.from({ length: 10 }, () => freePort()));
  expect(new Set(ports).size).toBe(10);
  const srv: Server = createServer();
  await new Promise<void>((r) => srv.listen(ports[0], '127.0.0.1', r));
  expect(await isPortOpen(ports[0])).toBe(true);
  await new Promise((r) => srv.close(r));
  expect(await isPortOpen(ports[0])).toBe(false);
});

test('redis on a port already taken: StartupError naming redis, with its log tail', async () => {
  const port = await freePort();
  // the squatter accepts and never answers: readiness must notice Redis' exit, not wait for a PING reply
  const conns = new Set<import('node:net').Socket>();
  const squatter: Server = createServer((s) => conns.add(s));
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  try {
    const err = await startRedis({ dir, port }).catch((e) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect(err.component).toBe('redis');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.logTail).toMatch(/Address already in use/i);
    expect(err.message).toMatch(/Address already in use/i);
  } finally {
    for (const s of conns) s.destroy();
    await new Promise((r) => squatter.close(r));
  }
});

test('kafka without its jars: StartupError that says how to fetch them', async () => {
  const err = await startKafka({ dir, jarsDir: join(dir, 'no-jars-here') }).catch((e) => e);
  expect(err).toBeInstanceOf(StartupError);
  expect(err.component).toBe('kafka');
  expect(err.message).toContain('no-jars-here');
  expect(err.message).toContain('npm ci');
  expect(err.message).toContain('scripts/install-deps.sh');
});

test('kafka jars that cannot run: StartupError with the JVM\'s own words in the log tail', async () => {
  const jars = join(dir, 'broken-jars');
  require('node:fs').mkdirSync(jars);
  writeFileSync(join(jars, 'kafka_2.13-3.9.1.jar'), 'not a jar');
  const err = await startKafka({ dir, jarsDir: jars }).catch((e) => e);
  expect(err).toBeInstanceOf(StartupError);
  expect(err.component).toBe('kafka');
  expect(err.message).toContain('StorageTool');
  expect(err.logTail).toMatch(/Could not find or load main class|Error/);
});

test('startStack with FLOWGATE_KAFKA_JARS pointing nowhere fails naming kafka and leaves nothing behind', async () => {
  const before = process.env.FLOWGATE_KAFKA_JARS;
  process.env.FLOWGATE_KAFKA_JARS = join(dir, 'missing-jars');
  const root = join(dir, 'root');
  require('node:fs').mkdirSync(root);
  try {
    const err = await startStack({ tmpRoot: root }).catch((e) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect(err.component).toBe('kafka');
    expect(err.message).toContain('missing-jars');
    // PostgreSQL and Redis were started beside Kafka; the failed start stopped them and removed the run's dir
    expect(readdirSync(root)).toEqual([]);
    expect(stackProcessesUnder(root)).toEqual([]);
  } finally {
    if (before === undefined) delete process.env.FLOWGATE_KAFKA_JARS;
    else process.env.FLOWGATE_KAFKA_JARS = before;
  }
});
