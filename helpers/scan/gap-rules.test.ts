// Unit tests of the source rules for P0-06 (DB_SSL off by default), P0-07 (secrets in compose/.env) and P0-10 (CSRF key random fallback): each finding at its file and line, the remediated form clean, nothing to judge undecided.
import { test, expect } from '@playwright/test';
import { composeEnvSecretsRule, csrfKeyRule, dbSslRule, type SourceFile } from './gap-rules';
import { fileKind, isPlaceholder } from './secret-rules';

const src = (file: string, content: string): SourceFile => ({ file, kind: fileKind(file.split('/').pop()!)!, content });

test('P0-06: each way DB_SSL ends up off is found at its file and line', () => {
  const files = [
    src('docker-compose.yml', 'services:\n  admin-backend:\n    environment:\n      DB_SSL: "false"\n'),
    src('.env', 'DB_HOST=db\nDB_SSL=false\n'),
    src('admin-backend/src/db.ts', "import { Pool } from 'pg';\nexport const pool = new Pool({\n  host: process.env.DB_HOST,\n  ssl: process.env.DB_SSL === 'true',\n});\n"),
    src('admin-backend/src/config.js', "module.exports = { dbSsl: process.env.DB_SSL || 'false' };\n"),
    src('admin-backend/src/knex.js', "const knex = require('knex')({\n  client: 'pg',\n  connection: { host: 'db', ssl: false },\n});\n"),
    src('config/app.yml', 'database:\n  url: postgres://db:5432/app?sslmode=disable\n'),
    src('internal/db/db.go', 'package db\n\nvar useSSL = os.Getenv("DB_SSL") == "true"\n'),
  ];
  const d = dbSslRule(files);
  expect(d.decided).toBe(true);
  expect(d.hits.map((h) => `${h.file}:${h.line} ${h.rule}`)).toEqual([
    'docker-compose.yml:4 P0-06/db-ssl-false',
    '.env:2 P0-06/db-ssl-false',
    'admin-backend/src/db.ts:4 P0-06/db-ssl-opt-in',
    'admin-backend/src/config.js:1 P0-06/db-ssl-default-false',
    'admin-backend/src/knex.js:3 P0-06/ssl-false',
    'config/app.yml:2 P0-06/sslmode-plaintext',
    'internal/db/db.go:3 P0-06/db-ssl-opt-in',
  ]);
});

test('P0-06: TLS on by default is remediated; no file about the database TLS is undecided', () => {
  const ok = dbSslRule([
    src('admin-backend/src/db.ts', "export const ssl = process.env.DB_SSL !== 'false';\nexport const url = process.env.DATABASE_URL; // ?sslmode=verify-full\n"),
    src('docker-compose.yml', 'services:\n  a:\n    environment:\n      DATABASE_URL: postgres://a:${PW}@db/a?sslmode=verify-full\n      DB_SSL: "true"\n'),
    src('src/kafka.ts', 'export const kafka = { brokers: [], ssl: false };\n'),
  ]);
  expect(ok).toMatchObject({ decided: true, hits: [] });
  expect(ok.relevant).toEqual(['admin-backend/src/db.ts', 'docker-compose.yml']);
  const none = dbSslRule([src('src/app.ts', 'export const x = 1;\n')]);
  expect(none).toMatchObject({ decided: false, hits: [] });
  expect(none.reason).toMatch(/no file configures the database connection's TLS/);
});

test('P0-10: a CSRF key that falls back to a random one is found, in one line or over the next lines', () => {
  const d = csrfKeyRule([
    src('qr-auth-service/src/csrf.ts', "import crypto from 'crypto';\nconst key = process.env.CSRF_ENCRYPTION_KEY || crypto.randomBytes(32);\n"),
    src('qr-auth-service/src/csrf2.js', "let key = process.env.CSRF_ENCRYPTION_KEY;\nif (!key) {\n  key = crypto.randomBytes(32).toString('hex');\n}\n"),
    src('csrf/key.go', 'package csrf\n\nfunc Key() []byte {\n\tk := os.Getenv("CSRF_SECRET_KEY")\n\tif k == "" { b := make([]byte, 32); rand.Read(b); return b }\n\treturn []byte(k)\n}\n'),
    src('app/csrf.py', 'KEY = os.environ.get("CSRF_ENCRYPTION_KEY") or secrets.token_bytes(32)\n'),
  ]);
  expect(d.decided).toBe(true);
  expect(d.hits.map((h) => `${h.file}:${h.line}`)).toEqual(['qr-auth-service/src/csrf.ts:2', 'qr-auth-service/src/csrf2.js:1', 'csrf/key.go:4', 'app/csrf.py:1']);
  expect(d.hits[0].message).toBe('CSRF_ENCRYPTION_KEY falls back to a random (ephemeral) key when unset');
});

test('P0-10: a required CSRF key is remediated; no code reading one is undecided', () => {
  const ok = csrfKeyRule([
    src('qr-auth-service/src/csrf.ts', "const key = process.env.CSRF_ENCRYPTION_KEY;\nif (!key) throw new Error('CSRF_ENCRYPTION_KEY is not set');\nexport const token = () => crypto.randomBytes(24).toString('base64url');\n"),
    src('docker-compose.yml', 'x:\n  CSRF_ENCRYPTION_KEY: ${CSRF_ENCRYPTION_KEY:?set it}\n'),
  ]);
  expect(ok).toMatchObject({ decided: true, hits: [], relevant: ['qr-auth-service/src/csrf.ts'] });
  // the compose file names the key, but only code can fall back to a random one
  const none = csrfKeyRule([src('docker-compose.yml', 'x:\n  CSRF_ENCRYPTION_KEY: ${CSRF_ENCRYPTION_KEY:?set it}\n'), src('src/a.ts', 'export {};\n')]);
  expect(none).toMatchObject({ decided: false });
  expect(none.reason).toMatch(/no source file reads CSRF_ENCRYPTION_KEY/);
});

test('P0-07: the secret findings in compose and .env files (tree or history) open it; findings elsewhere do not; no such file is undecided', () => {
  const files = [src('docker-compose.yml', 'services: {}\n'), src('.env.example', 'A=\n'), src('src/a.ts', 'export {};\n')];
  const findings = [
    { file: 'docker-compose.yml', line: 5, rule: 'flowgate/secret-assignment', message: 'CSRF_ENCRYPTION_KEY assigned a literal value (32 characters)' },
    { file: 'src/a.ts', line: 2, rule: 'flowgate/stripe', message: 'Stripe live key' },
    { file: 'deploy/prod.env', line: 3, rule: 'flowgate/secret-assignment', message: 'DB_PASSWORD assigned a literal value', commit: 'abc123' },
  ];
  const open = composeEnvSecretsRule(files, findings);
  expect(open.decided).toBe(true);
  expect(open.hits.map((h) => `${h.file}:${h.line}`)).toEqual(['docker-compose.yml:5', 'deploy/prod.env:3']);
  expect(composeEnvSecretsRule(files, [findings[1]])).toMatchObject({ decided: true, hits: [], relevant: ['docker-compose.yml', '.env.example'] });
  expect(composeEnvSecretsRule([files[2]], [findings[1]])).toMatchObject({ decided: false, reason: 'no compose file or .env file in the source' });
});

test('which files are scanned, and what counts as a placeholder', () => {
  const kinds = ['.env', '.env.production', 'prod.env', 'secrets.env', 'docker-compose.test.yml', 'compose.yaml', 'Dockerfile', 'Dockerfile.worker', 'api.dockerfile', '.npmrc', 'server.key', 'id_rsa', 'app.ts', 'main.go', 'settings.py', 'App.java', 'config.yaml', 'package.json', 'README.md', '.eslintrc', 'package-lock.json', 'logo.png'].map((n) => `${n}:${fileKind(n) ?? '-'}`);
  expect(kinds).toEqual(['.env:env', '.env.production:env', 'prod.env:env', 'secrets.env:env', 'docker-compose.test.yml:compose', 'compose.yaml:compose', 'Dockerfile:docker', 'Dockerfile.worker:docker', 'api.dockerfile:docker', '.npmrc:rc', 'server.key:key', 'id_rsa:key', 'app.ts:code', 'main.go:code', 'settings.py:code', 'App.java:code', 'config.yaml:config', 'package.json:config', 'README.md:-', '.eslintrc:-', 'package-lock.json:-', 'logo.png:-']);
  for (const v of ['', 'change-me', 'changeme', 'replace-me-with-a-long-random-string', 'whsec_replace_me', '<secret>', '${DB_PASSWORD}', '$DB_PASSWORD', '{{ .Values.pw }}', 'xxx', '****', 'your-api-key', 'example', 'secret', 'password'])
    expect(isPlaceholder(v), v).toBe(true);
  for (const v of ['hunter2', 'Tr0ub4dor&3', 'sk_live_abc', 'q8Xv2LmN4pR7sT1wZ9yB3']) expect(isPlaceholder(v), v).toBe(false);
});
