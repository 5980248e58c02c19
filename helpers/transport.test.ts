// Unit tests of reading endpoint answers: certificate errors, plain-HTTP answers, Kafka and Redis bytes, listener lists.
import { test, expect } from '@playwright/test';
import { adminPortOutcome, apiVersionsRequest, certificateProblem, classifyPlainHttp, DEFAULT_CONVENTIONAL_PORTS, kafkaCandidates, parseConventionalPorts, parseListeners, pgPlaintextOutcome, servesPlainHttp, speaksKafka, speaksRedis, splitHostPort, unseenReason } from './transport';

test('certificate errors name what is wrong; other errors are not certificate problems', () => {
  expect(certificateProblem(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }))).toContain('expired');
  expect(certificateProblem(Object.assign(new Error("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toContain('another host');
  expect(certificateProblem({ message: 'wrapped', cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' } })).toContain('untrusted');
  expect(certificateProblem(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  expect(certificateProblem(undefined)).toBeUndefined();
});

test('plain HTTP: only no connection or a bodiless 301/308 to https is a refusal; a TLS port is recorded as one; anything else serves', () => {
  // no connection at all: refused
  expect(classifyPlainHttp(undefined, 'ECONNREFUSED')).toEqual({ kind: 'refused', detail: 'connection refused (ECONNREFUSED)' });
  expect(classifyPlainHttp(Buffer.alloc(0), 'connect timeout after 1500 ms').kind).toBe('refused');
  // a TLS port answering plain HTTP: what it is, not a refusal of plain HTTP
  expect(classifyPlainHttp(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]))).toMatchObject({ kind: 'tls', detail: expect.stringContaining('TLS alert') });
  expect(classifyPlainHttp('HTTP/1.1 400 Bad Request\r\ncontent-length: 48\r\n\r\nThe plain HTTP request was sent to HTTPS port').kind).toBe('tls');
  // connected, then closed or reset without HTTP
  expect(classifyPlainHttp(Buffer.alloc(0)).kind).toBe('closed');
  expect(classifyPlainHttp(undefined, 'ECONNRESET')).toMatchObject({ kind: 'closed', detail: expect.stringContaining('ECONNRESET') });
  expect(classifyPlainHttp('SSH-2.0-OpenSSH_9\r\n').kind).toBe('closed');
  // redirect-only
  expect(classifyPlainHttp('HTTP/1.1 308 Permanent Redirect\r\nlocation: https://gw:443/\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ kind: 'redirect', location: 'https://gw:443/' });
  expect(classifyPlainHttp('HTTP/1.1 301 Moved Permanently\r\nLocation: https://gw/\r\n\r\n').kind).toBe('redirect');
  // served: a plain server answering anything else, a 400 of its own included
  expect(classifyPlainHttp('HTTP/1.1 301 Moved Permanently\r\nLocation: http://gw/\r\n\r\n').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 308 Permanent Redirect\r\nLocation: https://gw/\r\ncontent-length: 12\r\n\r\nhello world!').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 302 Found\r\nLocation: https://gw/\r\n\r\n').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}')).toEqual({ kind: 'serves', detail: 'HTTP 200 served in plaintext with a body (2 bytes)' });
  expect(classifyPlainHttp('HTTP/1.1 404 Not Found\r\ncontent-length: 35\r\n\r\n{"message":"no Route matched with those values"}').kind).toBe('serves');
  expect(classifyPlainHttp('HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\n\r\nbad request').kind).toBe('serves');
  expect(['refused', 'redirect', 'tls', 'closed', 'serves'].map((kind) => servesPlainHttp({ kind, detail: '' } as any))).toEqual([false, false, false, false, true]);
});

test('admin ports: only no connection is ok; any connection, TLS or not, is the admin API reachable', () => {
  expect(adminPortOutcome(false, 'ECONNREFUSED')).toEqual({ ok: true, detail: 'no connection (ECONNREFUSED)' });
  expect(adminPortOutcome(true).ok).toBe(false);
  expect(adminPortOutcome(true, 'ECONNRESET').detail).toContain('accepts connections from outside');
});

test('FLOWGATE_CONVENTIONAL_PORTS: staging defaults, per-role override, and a clear error on bad input', () => {
  expect(DEFAULT_CONVENTIONAL_PORTS).toEqual({ http: [80, 8000], admin: [8001, 8444], kafka: [9092], redis: [6379] });
  expect(parseConventionalPorts('http=18000/18080, redis=16379')).toEqual({ http: [18000, 18080], admin: [8001, 8444], kafka: [9092], redis: [16379] });
  expect(parseConventionalPorts('admin=').admin).toEqual([]);
  expect(() => parseConventionalPorts('http=80;admin=8001')).toThrow('got "http=80;admin=8001"');
  expect(() => parseConventionalPorts('smtp=25')).toThrow('roles http, admin, kafka, redis, got "smtp=25"');
  expect(() => parseConventionalPorts('http=80/70000')).toThrow('http: ports must be 1-65535, got "70000"');
  expect(() => parseConventionalPorts('http=80,http=8000')).toThrow('role http is given twice');
});

test('Kafka candidates: advertised, configured, and the conventional and advertised ports on every broker host, each once', () => {
  const c = kafkaCandidates({ advertised: ['b1:9093'], configured: [{ endpoint: 'b1:9094', source: 'listeners INTERNAL of broker 1' }], hosts: ['b1', 'seed'], conventional: [9092] });
  expect(c.map((x) => x.endpoint)).toEqual(['b1:9093', 'b1:9094', 'b1:9092', 'seed:9092', 'seed:9093']);
  expect(c.find((x) => x.endpoint === 'seed:9092')?.source).toBe('a conventional Kafka port on the broker host seed');
  expect(kafkaCandidates({ advertised: ['[::1]:9093'], configured: [], hosts: [], conventional: [9092] }).map((x) => x.endpoint)).toEqual(['[::1]:9093', '[::1]:9092']);
});

test('unseen: configuration denied and nothing found is a reason for a sign-off, never a pass; a read configuration is none', () => {
  expect(unseenReason({ what: "the brokers' listeners (describeConfigs)", configRead: true, tried: ['b:9092'] })).toBeUndefined();
  expect(unseenReason({ what: "the brokers' listeners (describeConfigs)", configRead: false, configError: 'Cluster authorization failed', tried: ['b:9092', 'b:9093'] })).toMatch(/^the brokers' listeners \(describeConfigs\) could not be read \(Cluster authorization failed\) and nothing answered in plaintext on the 2 endpoint\(s\) tried \(b:9092, b:9093\).*a sign-off decides$/);
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

test('certificateProblem finds the TLS error under the Kafka client\'s aggregate and NetworkError', () => {
  const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  const wrapped = new AggregateError([Object.assign(new Error('Connection to b:9093 failed.', { cause: tls }), { code: 'PLT_KFK_NETWORK' })], 'listTopics failed 2 times.');
  expect(certificateProblem(wrapped)).toMatch(/SELF_SIGNED_CERT_IN_CHAIN/);
  expect(certificateProblem(new AggregateError([new Error('Connection to b:9093 failed.', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })]))).toBeUndefined();
});
