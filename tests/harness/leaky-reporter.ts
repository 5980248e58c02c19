// A reporter that leaks on purpose (the artifact scan's harness test): at the run's end it writes a configured secret, or a token a worker obtained, into the reports folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '@playwright/test/reporter';
import { LEDGER_VAR, readLedger } from '../../helpers/scan/run-secrets';

/** LEAKY_REPORTER=config writes KAFKA_SASL_PASSWORD; =token writes the first login access token of the run (from the run's ledger). */
class LeakyReporter implements Reporter {
  onEnd(): void {
    const dir = join(process.env.FLOWGATE_REPORTS_DIR || 'reports', 'leaky');
    mkdirSync(dir, { recursive: true });
    if (process.env.LEAKY_REPORTER === 'token') {
      const token = readLedger(process.env[LEDGER_VAR]).find((s) => s.kind === 'accessToken');
      // No token recorded is itself the failure the test must see: the file then holds nothing to find.
      writeFileSync(join(dir, 'session.json'), JSON.stringify({ note: 'a token a reporter should never have written', token: token?.value ?? 'none recorded' }));
    } else writeFileSync(join(dir, 'kafka.txt'), `connected to ${process.env.KAFKA_BROKERS} with ${process.env.KAFKA_SASL_PASSWORD}\n`);
  }
}

export default LeakyReporter;
