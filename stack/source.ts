// The embedded system's deployed source, as criterion 3 scans it: a snapshot of stack/ and docker-compose.test.yml in the run's temp dir.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const COMPOSE_FILE = 'docker-compose.test.yml';
/** What the source-literal-secret fault plants: the email service's SendGrid API key written into the compose file, as people do. */
// Assembled at run time, so the stack's own source (which the snapshot copies) holds no literal key.
const PLANTED = `\n# added by the source-literal-secret fault\nx-mail:\n  SENDGRID_API_KEY: ${['SG', 'Fg7kQ2xWm9Lp3Rt8Vb1NcA', 'Hj4Kd8Zs2Qw6Ey1Rt5Yu9Io3Pa7Sd0Fg4Hj8Kl2Zx6C'].join('.')}\n`;

export interface DeployedSource {
  dir: string;
  /** Plants or removes the literal secret in the snapshot's compose file. */
  plantSecret(on: boolean): void;
}

/** Copies what the embedded system is built from (the services' source and the compose file) to `<tmpDir>/source`. */
export function snapshotSource(tmpDir: string): DeployedSource {
  const dir = join(tmpDir, 'source');
  mkdirSync(dir, { recursive: true });
  // Tests are not deployed: the snapshot is what would ship.
  cpSync(join(ROOT, 'stack'), join(dir, 'stack'), { recursive: true, filter: (src) => !/\.test\.ts$/.test(src) });
  const compose = readFileSync(join(ROOT, COMPOSE_FILE), 'utf8');
  writeFileSync(join(dir, COMPOSE_FILE), compose);
  return {
    dir,
    plantSecret(on) {
      writeFileSync(join(dir, COMPOSE_FILE), on ? compose + PLANTED : compose);
    },
  };
}
