// Unit tests of reading endpoint answers: certificate errors, plain-HTTP answers, Kafka and Redis bytes, listener lists.
import { test, expect } from '@playwright/test';
import { apiVersionsRequest, certificateProblem, classifyPlainHttp, parseListeners, pgPlaintextOutcome, speaksKafka, speaksRedis, splitHostPort } from './transport';

test('certificate errors name what is wrong; other errors are not certificate problems', () => {
  expect(certificateProblem(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }))).toContain('expired');
  expect(certificateProblem(Object.assign(new Error("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toContain('another host');
  expect(certificateProblem({ message: 'wrapped', cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' } })).toContain('untrusted');
  expect(certificateProblem(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  expect(certificateProblem(undefined)).toBeUndefined();
});

test('plain HTTP: a TLS-only port or a 400 refuses, a bodiless 301/308 to https redirects, anything else serves content', () => {
  expect(classifyPlainHttp(Buffer.alloc(0)).kind).toBe('refused');
  expect(classifyPlainHttp(undefined, 'ECONNRESET')).toEqual({ kind: 'refused', detail: 'no HTTP answer (ECONNRESET)' });
  expect(classifyPlainHttp(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])).kind).toBe('refused');
  expect(classifyPlainHttp('HTTP/1.1 400 Bad Request\r\ncontent-length: 48\r\n\r\nThe plain HTTP request was sent to HTTPS port').kind).toBe('refused');
  expect(classifyPlainHttp('HTTP/1.1 308 Permanent Redirect\r\nlocation: https://gw:443/\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ kind: 'redirect', location: 'https://gw:443/' });
  expect(classifyPlainHttp('HTTP/1.1 301 Moved Permanently\r\nLocation: https://gw/\r\n\r\n').kind).toBe('redirect');
  expect(classifyPlainHttp('HTTP/1.1 301 Moved Permanently\r\nLocation: http://gw/\r\n\r\n').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 308 Permanent Redirect\r\nLocation: https://gw/\r\ncontent-length: 12\r\n\r\nhello world!').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 302 Found\r\nLocation: https://gw/\r\n\r\n').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}')).toEqual({ kind: 'serves', detail: 'HTTP 200 served in plaintext with a body (2 bytes)' });
  expect(classifyPlainHttp('HTTP/1.1 404 Not Found\r\n\r\n').kind).toBe('serves');
});

test('Kafka: our ApiVersions request is well-formed, and only a response with our correlation id speaks Kafka', () => {
  const req = apiVersionsRequest(0x5eed0001, 'x');
  expect(req.readInt32BE(0)).toBe(req.length - 4);
  expect([req.readInt16BE(4), req.readInt16BE(6), req.readInt32BE(8)]).toEqual([18, 0, 0x5eed0001]);
  const res = Buffer.alloc(14);
  res.writeInt32BE(10, 0);
  res.writeInt32BE(0x5eed0001, 4);
  expect(speaksKafka(res, 0x5eed0001)).toBe(true);
  expect(speaksKafka(res, 0x5eed0002)).toBe(false);
  // a TLS alert is what a TLS listener sends back to plaintext
  expect(speaksKafka(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]), 0x5eed0001)).toBe(false);
});

test('Redis: +PONG and -NOAUTH speak RESP; a TLS alert or nothing does not', () => {
  expect(speaksRedis(Buffer.from('+PONG\r\n'))).toBe(true);
  expect(speaksRedis(Buffer.from('-NOAUTH Authentication required.\r\n'))).toBe(true);
  expect(speaksRedis(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02]))).toBe(false);
  expect(speaksRedis(Buffer.alloc(0))).toBe(false);
});

test('listener lists and host:port', () => {
  expect(parseListeners('SASL_SSL://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094, PLAINTEXT://:9092')).toEqual([
    { listener: 'SASL_SSL', endpoint: '127.0.0.1:9093' },
    { listener: 'CONTROLLER', endpoint: '127.0.0.1:9094' },
    { listener: 'PLAINTEXT', endpoint: '127.0.0.1:9092' },
  ]);
  expect(parseListeners(undefined)).toEqual([]);
  expect(splitHostPort('[::1]:443')).toEqual({ host: '::1', port: 443 });
  expect(() => splitHostPort('nope')).toThrow('not host:port');
});

test("P0-06: PostgreSQL's answer to a made-up plaintext login says whether plaintext is accepted", () => {
  const server = (code: string, message: string) => ({ severity: 'FATAL', code, message });
  // pg_hba.conf turns plaintext away before the password (PostgreSQL 14+ says "no encryption", older ones "SSL off")
  expect(pgPlaintextOutcome(server('28000', 'no pg_hba.conf entry for host "127.0.0.1", user "flowgate_probe_1", database "auth", no encryption')).accepted).toBe(false);
  expect(pgPlaintextOutcome(server('28000', 'pg_hba.conf rejects connection for host "10.0.0.1", user "x", database "y", SSL off')).accepted).toBe(false);
  // past pg_hba: the server authenticates a plaintext connection, so it accepts plaintext
  const failed = pgPlaintextOutcome(server('28P01', 'password authentication failed for user "flowgate_probe_1"'));
  expect(failed).toEqual({ accepted: true, answered: expect.stringContaining('as far as authentication (28P01') });
  expect(pgPlaintextOutcome(server('28000', 'role "flowgate_probe_1" does not exist')).accepted).toBe(true);
  expect(pgPlaintextOutcome(server('3D000', 'database "x" does not exist')).accepted).toBe(true);
  expect(pgPlaintextOutcome(undefined).accepted).toBe(true);
  // nothing spoke PostgreSQL back: refused
  expect(pgPlaintextOutcome(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).accepted).toBe(false);
  expect(pgPlaintextOutcome(new Error('Connection terminated unexpectedly')).accepted).toBe(false);
  // any other server answer cannot be decided (fail closed: the check fails without claiming a finding)
  expect(pgPlaintextOutcome(server('53300', 'sorry, too many clients already'))).toEqual({ accepted: undefined, answered: expect.stringContaining('could not decide') });
});
