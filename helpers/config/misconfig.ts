// Preflight's reading of a driver's error: which variable is wrong (a ConfigError naming it) or which part is unreachable — both "could not evaluate" (exit 2).
import { ConfigError, InfrastructureUnreachable, isUnreachable, withoutCredentials, type FlowgateError } from '../errors';
import { certificateProblem } from '../transport';

/** host:port (and database) of a URL without its credentials, to say where without saying the secret. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return withoutCredentials(url);
  }
}

function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '(none)';
  } catch {
    return '(unknown)';
  }
}

/** A PostgreSQL connection error for the database named by `envKey` (AUTH_DB_URL …); undefined when it is not about connecting. */
export function postgresProblem(envKey: string, url: string, err: any): FlowgateError | undefined {
  const code = String(err?.code ?? '');
  const at = where(url);
  const user = userOf(url);
  if (code === '28P01') return new ConfigError([`${envKey}: PostgreSQL at ${at} refused the password of user "${user}" (28P01 invalid_password); fix the password in ${envKey}`]);
  if (code === '3D000') return new ConfigError([`${envKey}: the database in ${envKey} does not exist on ${at} (3D000 invalid_catalog_name); check its name`]);
  if (code === '28000') return new ConfigError([`${envKey}: PostgreSQL at ${at} does not let user "${user}" in (28000 invalid_authorization_specification: unknown role or no pg_hba.conf entry); check the user in ${envKey}, or the server's pg_hba.conf`]);
  if (code === '42501' && /connect/i.test(String(err?.message))) return new ConfigError([`${envKey}: user "${user}" may not connect to ${at} (42501); grant CONNECT or use another user`]);
  const cert = certificateProblem(err);
  if (cert) return new ConfigError([`${envKey}: with its sslmode the server's certificate at ${at} must verify against DB_SSL_CA_FILE (or the system store), but ${cert}`]);
  if (/self[- ]signed|certificate|SSL|TLS/i.test(String(err?.message)) && !isUnreachable({ code }))
    return new ConfigError([`${envKey}: TLS to ${at} failed (${withoutCredentials(String(err?.message)).slice(0, 160)}); check ?sslmode in ${envKey} and DB_SSL_CA_FILE`]);
  if (isUnreachable(err))
    return new InfrastructureUnreachable('postgres', `${envKey} (${at})`, `${code} ${String(err?.message ?? '')}`.trim());
  return undefined;
}

/** A Redis connection/AUTH error for REDIS_URL; undefined when it is not about connecting. */
export function redisProblem(url: string, err: any): FlowgateError | undefined {
  const msg = String(err?.message ?? err ?? '');
  const at = where(url).replace(/\/.*$/, '');
  if (/WRONGPASS|invalid username-password pair/i.test(msg)) return new ConfigError([`REDIS_URL: Redis at ${at} refused the user name/password in REDIS_URL (WRONGPASS); fix them`]);
  if (/NOAUTH|Authentication required/i.test(msg)) return new ConfigError([`REDIS_URL: Redis at ${at} requires a password and REDIS_URL has none (NOAUTH); use redis://:<password>@${at}`]);
  if (/AUTH.*called without any password configured|without any password/i.test(msg)) return new ConfigError([`REDIS_URL: Redis at ${at} has no password but REDIS_URL sends one; remove it from REDIS_URL`]);
  if (/certificate|SSL|TLS|wrong version number/i.test(msg)) return new ConfigError([`REDIS_URL: TLS to ${at} failed (${msg.slice(0, 160)}); check redis:// vs rediss:// and REDIS_TLS_CA_FILE`]);
  if (isUnreachable(err)) return new InfrastructureUnreachable('redis', `REDIS_URL (${at})`, msg);
  return undefined;
}

/**
 * The names, codes and messages of an error and what it wraps (its causes, an aggregate's errors), breadth first and
 * bounded (24 errors, 500 characters each): the Kafka client reports "Listing topics failed" around its retries
 * around "Cannot connect to any broker" around the connection's NetworkError around "SASL authentication failed."
 */
export function errorChain(err: unknown): string {
  const out: string[] = [];
  const queue: unknown[] = [err];
  while (queue.length && out.length < 24) {
    const e: any = queue.shift();
    if (e === undefined || e === null) continue;
    if (typeof e !== 'object') {
      out.push(String(e).slice(0, 500));
      continue;
    }
    out.push([e.name, e.code, e.type, e.message].filter((x) => typeof x === 'string' && x).join(' ').slice(0, 500));
    queue.push(e.cause, ...(Array.isArray(e.errors) ? e.errors.slice(0, 5) : []));
  }
  return out.filter(Boolean).join(' | ');
}

/** A Kafka connection error: SASL authentication names the SASL variables, anything else is the brokers being unreachable. */
export function kafkaProblem(brokers: string[], err: any): FlowgateError {
  const chain = errorChain(err);
  const msg = String(err?.message ?? err ?? '');
  if (/SASL|SaslAuthentication|Authentication failed|SASL_AUTHENTICATION_FAILED|PLT_KFK_AUTHENTICATION/i.test(chain))
    return new ConfigError([`KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD: the brokers at ${brokers.join(',')} refused SASL authentication (${chain.slice(0, 160)}); check them and KAFKA_SASL_MECHANISM`]);
  const cert = certificateProblem(err);
  if (cert) return new ConfigError([`KAFKA_SSL_CA_FILE: the certificate of the brokers at ${brokers.join(',')} does not verify against it: ${cert}`]);
  if (/certificate|SSL|TLS|wrong version number|EPROTO/i.test(chain))
    return new ConfigError([`KAFKA_SSL / KAFKA_SSL_CA_FILE: TLS to the brokers at ${brokers.join(',')} failed (${chain.slice(0, 160)})`]);
  return new InfrastructureUnreachable('kafka', `KAFKA_BROKERS (${brokers.join(',')})`, chain.length > msg.length ? chain.slice(0, 600) : msg);
}

/** The frozen topics the broker lacks: the target is not the Cert-IX cluster, or its topics were never created. */
export function missingTopicsProblem(brokers: string[], missing: string[]): ConfigError | undefined {
  if (missing.length === 0) return undefined;
  return new ConfigError([`KAFKA_BROKERS: the brokers at ${brokers.join(',')} lack ${missing.length} frozen topic${missing.length === 1 ? '' : 's'} of contracts/asyncapi.yaml: ${missing.join(', ')}; point KAFKA_BROKERS at the Cert-IX cluster or create them`]);
}
