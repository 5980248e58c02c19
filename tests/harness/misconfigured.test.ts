// A misconfigured target (wrong password, missing database, SASL refused, frozen topics missing) is "could not evaluate" (exit 2) naming the variable, never a platform NO-GO.
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createAdmin } from '../../stack/services/common/kafka-client';
import { startStack } from '../../stack';
import { test, runSmoke, setFaults, targetEnv, cleanup } from './harness';

/** The URL with no user and no password: with an ACL user named and no password, Redis would answer WRONGPASS instead. */
const withoutCredentials = (url: string) => {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
};

/** The URL with its password replaced (or removed when `pw` is empty). */
const withPassword = (url: string, pw: string) => {
  const u = new URL(url);
  u.password = pw;
  return u.toString();
};

const cases: { name: string; env: (t: Record<string, string>) => Record<string, string>; names: RegExp }[] = [
  { name: 'AUTH_DB_URL with a wrong password', env: (t) => ({ AUTH_DB_URL: withPassword(t.AUTH_DB_URL, 'wrong-pw') }), names: /AUTH_DB_URL: .*refused the password .*28P01/ },
  { name: 'AUTH_DB_URL naming a missing database', env: (t) => ({ AUTH_DB_URL: t.AUTH_DB_URL.replace(/\/[a-z_]+(\?|$)/, '/cert_ix_nope$1') }), names: /AUTH_DB_URL: the database .* does not exist .*3D000/ },
  { name: 'REDIS_URL with a wrong password', env: (t) => ({ REDIS_URL: withPassword(t.REDIS_URL, 'wrong-pw') }), names: /REDIS_URL: Redis at .* refused .*WRONGPASS/ },
  { name: 'REDIS_URL without the password', env: (t) => ({ REDIS_URL: withoutCredentials(t.REDIS_URL) }), names: /REDIS_URL: Redis at .* requires a password .*NOAUTH/ },
  // the auth probes' positive control: a key the target does not verify with would make every signed probe token fail for its key
  { name: 'JWT_TEST_SIGNING_KEY the target does not verify with', env: () => ({ JWT_TEST_SIGNING_KEY: 'flowgate-not-the-target-key-0123456789abcdef' }), names: /JWT_TEST_SIGNING_KEY does not sign tokens the target accepts: GET \/api\/v1\/assets answered 200 to the login's own token but 401/ },
  { name: 'Kafka SASL credentials the broker refuses', env: () => ({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'nobody', KAFKA_SASL_PASSWORD: 'wrong' }), names: /KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD: .*refused SASL authentication/ },
];

test.describe('misconfigured target', () => {
  test.describe.configure({ timeout: 120_000 });

  test('positive control: the same target, configured right, passes preflight', async ({ stack }) => {
    const run = await runSmoke(targetEnv(stack), ['--project=preflight']);
    try {
      expect(run.output, run.output.slice(-2000)).toMatch(/✓ passed\s+\[preflight\]/);
      expect(run.output).not.toMatch(/problem in the target configuration/);
    } finally {
      cleanup(run);
    }
  });

  for (const c of cases) {
    test(`${c.name} → could not evaluate (exit 2), naming it`, async ({ stack }) => {
      const run = await runSmoke(targetEnv(stack), ['--project=preflight'], { env: c.env(targetEnv(stack)) });
      try {
        expect(run.exitCode, run.output.slice(-2500)).toBe(2);
        expect(run.verdict?.couldNotEvaluate).toBe(true);
        expect(run.output).toMatch(c.names);
        expect(JSON.stringify(run.verdict)).toMatch(c.names);
      } finally {
        cleanup(run);
      }
    });
  }

  // The auth probes' positive control runs per probed service: one service that refuses the key's tokens (here
  // vulnerability-management taking only tokens qr-auth issued, fault vuln-requires-issued-jti) would otherwise refuse
  // every signed probe token for its key alone, and the probes would pass without proving anything there.
  // Past preflight, a configuration error fails its test (the verdict treats only preflight's as could-not-evaluate): never a
  // pass, so the run is not GO, and the error names the key and the service's route.
  test('one service refusing JWT_TEST_SIGNING_KEY tokens → not GO, its probe test failing on the key, naming its route', async ({ stack }) => {
    await setFaults(stack.controlUrl, ['vuln-requires-issued-jti']);
    try {
      const run = await runSmoke(targetEnv(stack), ['--project=auth-bypass', '--grep', 'vulnerability-management-service: protected routes']);
      try {
        expect([1, 2], run.output.slice(-2500)).toContain(run.exitCode);
        expect(run.verdict, 'a verdict').toBeDefined();
        expect(run.verdict?.verdict).not.toBe('GO');
        expect(run.output).toMatch(/auth-bypass\s+failed .*S\. Set up a user, its resources and bad tokens .*ConfigError/);
        expect(run.output).toMatch(/JWT_TEST_SIGNING_KEY does not sign tokens the target accepts: GET \/api\/v1\/vulnerabilities answered 200 to this test's login token but 401/);
      } finally {
        cleanup(run);
      }
    } finally {
      await setFaults(stack.controlUrl, []);
    }
  });

  test('frozen topics missing on the broker → could not evaluate (exit 2), listing them', async () => {
    // A stack of its own: the worker's stack is shared with the other harness files, and this one loses a topic.
    const own = await startStack();
    try {
      const target = targetEnv(own);
      // the stack's broker speaks SASL_SSL only: the admin logs in as the harness user, trusting the run's CA
      const admin = createAdmin(
        { brokers: target.KAFKA_BROKERS.split(','), ssl: { ca: [readFileSync(target.KAFKA_SSL_CA_FILE, 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username: target.KAFKA_SASL_USERNAME, password: target.KAFKA_SASL_PASSWORD } },
        'flowgate-misconfigured',
      );
      const gone = (await admin.listTopics()).filter((t) => t.endsWith('asset.deleted'));
      expect(gone, 'the topic to delete exists').toHaveLength(1);
      await admin.deleteTopics(gone);
      await admin.close();
      const run = await runSmoke(target, ['--project=preflight']);
      try {
        expect(run.exitCode, run.output.slice(-2500)).toBe(2);
        expect(run.output).toMatch(new RegExp(`KAFKA_BROKERS: .* lack 1 frozen topic .*: ${gone[0].replace(/\./g, '\\.')};`));
      } finally {
        cleanup(run);
      }
    } finally {
      await own.stop();
    }
  });
});
