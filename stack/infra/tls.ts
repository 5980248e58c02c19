// The run's own certificate authority and one server certificate per component, made with the machine's `openssl` at start (nothing is checked in).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError, errText } from './errors';
import { onPath, versionOf, type Requirement } from './requirement';

export const TLS_COMPONENTS = ['gateway', 'kafka', 'redis', 'postgres'] as const;
export type TlsComponent = (typeof TLS_COMPONENTS)[number];

export interface CertFiles {
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
}

export interface RunCertificates {
  dir: string;
  /** the run's CA certificate (PEM): what KONG_CA_FILE, KAFKA_SSL_CA_FILE, REDIS_TLS_CA_FILE and DB_SSL_CA_FILE name */
  caFile: string;
  ca: string;
  server: Record<TlsComponent, CertFiles>;
  /** the gateway's faults: a certificate for another host, and one that expired yesterday (both signed by the run's CA);
   *  made off the cold start's critical path, awaited only by the gateway */
  faultCerts: Promise<{ wrongHost: CertFiles; expired: CertFiles }>;
}

/** The names every server certificate covers: the stack listens on loopback only. */
export const SERVER_SANS = 'IP:127.0.0.1,DNS:localhost';
export const POSTGRES_SANS = 'IP:127.0.0.1';
export const WRONG_HOST_SAN = 'DNS:wrong-host.flowgate.invalid';

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('openssl', args, { cwd, timeout: 15_000 }, (err, _out, stderr) => (err ? reject(new Error(`openssl ${args[0]} ${args[1] ?? ''}: ${errText(err)} ${String(stderr).trim()}`)) : resolve())),
  );
}

/** The extension file of a server certificate; pure, so unit-tested. */
export function serverExtensions(san: string): string {
  return [`subjectAltName=${san}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', ''].join('\n');
}

// P-256 keys: generated in milliseconds (RSA would cost the cold start a second per key) and every client here speaks ECDSA.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function issue(dir: string, name: string, san: string, days: number): Promise<CertFiles> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  writeFileSync(join(dir, `${name}.ext`), serverExtensions(san));
  await openssl(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', join(dir, `${name}.csr`), '-subj', `/O=flowgate embedded stack/CN=${name}`], dir);
  // a negative -days gives a certificate whose notAfter has passed: the expired-certificate fault
  await openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`, '-days', String(days), '-extfile', join(dir, `${name}.ext`), '-out', certFile], dir);
  return { keyFile, certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

/** A CA valid for two days and the servers' certificates it signs, in <dir>/tls (keys readable by the owner only). */
export async function generateRunCertificates(dir: string): Promise<RunCertificates> {
  const t0 = Date.now();
  const home = join(dir, 'tls');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    await openssl(['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/O=flowgate embedded stack/CN=flowgate run CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], home);
    const [gateway, kafka, redis, postgres] = await Promise.all(
      // PostgreSQL's certificate names only the IP the URLs use, so verify-full against "localhost" is a wrong host (the bad-input test)
      TLS_COMPONENTS.map((c) => issue(home, c, c === 'postgres' ? POSTGRES_SANS : SERVER_SANS, 2)),
    );
    const faultCerts = Promise.all([issue(home, 'gateway-wrong-host', WRONG_HOST_SAN, 2), issue(home, 'gateway-expired', SERVER_SANS, -1)]).then(([wrongHost, expired]) => ({ wrongHost, expired }));
    faultCerts.catch(() => {}); // awaited (and reported) by the gateway
    const caFile = join(home, 'ca.pem');
    return { dir: home, caFile, ca: readFileSync(caFile, 'utf8'), server: { gateway, kafka, redis, postgres }, faultCerts };
  } catch (e) {
    throw new StartupError({ component: 'certificates', reason: `generating the run's certificates with openssl failed: ${errText(e)} (is \`openssl\` on PATH?)`, elapsedMs: Date.now() - t0, cause: e });
  }
}

/** What the run's certificates need here: openssl. */
export function certificateRequirements(v: boolean): Requirement[] {
  const openssl = onPath('openssl');
  return [{ name: 'openssl', found: !!openssl, where: openssl, version: openssl && v ? versionOf(openssl, ['version']) : undefined, how: 'apt-get install openssl', required: true }];
}
