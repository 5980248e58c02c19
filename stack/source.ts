// The embedded system's deployed source, as criterion 3 and the P0-06/07/10 source rules scan it: a snapshot of stack/, docker-compose.test.yml, .env.example and the Dockerfile in the run's temp dir.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultName } from './faults';

const ROOT = join(__dirname, '..');
export const COMPOSE_FILE = 'docker-compose.test.yml';
/** What the services are built and configured from besides stack/: the compose file, its documented variables, the image. */
const ROOT_FILES = [COMPOSE_FILE, '.env.example', 'Dockerfile'];

/** The faults that change the snapshot, not the running services. */
export const SOURCE_FAULTS = ['source-literal-secret', 'P0-06-source-db-ssl-off', 'P0-10-source-csrf-random-fallback'] as const satisfies readonly FaultName[];

/** What the source-literal-secret fault plants: the email service's SendGrid API key written into the compose file, as people do. */
// Assembled at run time, so the stack's own source (which the snapshot copies) holds no literal key.
const PLANTED = `\n# added by the source-literal-secret fault\nx-mail:\n  SENDGRID_API_KEY: ${['SG', 'Fg7kQ2xWm9Lp3Rt8Vb1NcA', 'Hj4Kd8Zs2Qw6Ey1Rt5Yu9Io3Pa7Sd0Fg4Hj8Kl2Zx6C'].join('.')}\n`;

// The names the P0 rules look for, assembled at run time too: this file is in the snapshot, and its own text must not be a finding.
const SSL_VAR = ['DB', 'SSL'].join('_');
const CSRF_VAR = ['CSRF', 'ENCRYPTION', 'KEY'].join('_');

/** A file of the snapshot, and how a fault rewrites it (the compliance matrix's P0-06 and P0-10 as they look in code). */
interface Plant {
  fault: (typeof SOURCE_FAULTS)[number];
  file: string;
  change(text: string): string;
}

/** Replaces `anchor` once; a snapshot without it is a stack that changed under the fault, which must say so, not plant nothing. */
const replacing = (anchor: string, by: string) => (text: string) => {
  if (!text.includes(anchor)) throw new Error(`stack/source.ts: the fault's anchor ${JSON.stringify(anchor)} is no longer in the file it rewrites`);
  return text.replace(anchor, by);
};

const PLANTS: readonly Plant[] = [
  { fault: 'source-literal-secret', file: COMPOSE_FILE, change: (t) => t + PLANTED },
  // admin-backend's P0-06: TLS to the database only when the variable says so, so off by default
  {
    fault: 'P0-06-source-db-ssl-off',
    file: 'stack/services/common/env-clients.ts',
    change: (t) => `${t}\n// added by the P0-06-source-db-ssl-off fault: TLS to the database only when ${SSL_VAR} is 'true'\nexport const dbSsl = (env: Env): boolean => env.${SSL_VAR} === 'true';\n`,
  },
  // qr-auth's P0-10: the CSRF key falls back to a random one, so every restart voids the issued tokens
  {
    fault: 'P0-10-source-csrf-random-fallback',
    file: 'stack/services/run.ts',
    change: replacing(`csrfEncryptionKey: required('${CSRF_VAR}')`, `csrfEncryptionKey: process.env.${CSRF_VAR} || require('node:crypto').randomBytes(32).toString('hex')`),
  },
];

export interface DeployedSource {
  dir: string;
  /** Rewrites the snapshot for the source faults that are on (and back to the original for those that are off). */
  apply(on: (fault: FaultName) => boolean): void;
}

/** Copies what the embedded system is built from (the services' source, the compose file, .env.example, the Dockerfile) to `<tmpDir>/source`. */
export function snapshotSource(tmpDir: string): DeployedSource {
  const dir = join(tmpDir, 'source');
  mkdirSync(dir, { recursive: true });
  // Tests are not deployed: the snapshot is what would ship.
  cpSync(join(ROOT, 'stack'), join(dir, 'stack'), { recursive: true, filter: (src) => !/\.test\.ts$/.test(src) });
  for (const f of ROOT_FILES) writeFileSync(join(dir, f), readFileSync(join(ROOT, f), 'utf8'));
  const original = new Map(PLANTS.map((p) => [p.file, readFileSync(join(dir, p.file), 'utf8')]));
  return {
    dir,
    apply(on) {
      for (const [file, text] of original) writeFileSync(join(dir, file), PLANTS.filter((p) => p.file === file && on(p.fault)).reduce((t, p) => p.change(t), text));
    },
  };
}
