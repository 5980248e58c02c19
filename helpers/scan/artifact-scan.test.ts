// Unit tests of the artifact scan: known secrets in plain files, zip entries (stored, deflated, nested, large), every written form and base64 bodies; secretlint's patterns; masked values; clean files stay clean.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { maskSecret, scanArtifacts, secretForms, type ArtifactScan, type KnownSecret } from './artifact-scan';

const SECRET = 'kafka-S3cret/pa ss&"word';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSIsImV4cCI6MTcwMH0.c2lnbmF0dXJlLWJ5dGVzLW9mLWEtdG9rZW4';
const SECRETS: KnownSecret[] = [
  { value: SECRET, kind: 'KAFKA_SASL_PASSWORD' },
  { value: TOKEN, kind: 'access token' },
];
// A GitHub token shape secretlint's recommended preset knows (not a real one).
const GITHUB = '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';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A minimal zip writer (local headers, central directory, end record) for the tests' fixtures. */
function zip(entries: { name: string; data: Buffer | string; stored?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const body = e.stored ? data : deflateRawSync(data);
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(e.stored ? 0 : 8, 10);
    cd.writeUInt32LE(crc32(data), 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowgate-artscan-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(rel: string, data: Buffer | string) {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), data);
}

/** The findings as `file kind form where`, sorted; the scan's JSON must never hold a secret. */
function found(scan: ArtifactScan): string[] {
  const json = JSON.stringify(scan);
  for (const s of [SECRET, TOKEN, GITHUB]) expect(json, 'the scan result holds no secret').not.toContain(s);
  return scan.findings.map((f) => `${f.file} ${f.kind} ${f.form ?? '-'} ${f.where}`).sort();
}

test('a known secret in a plain file is found, named by its file, the value masked', async () => {
  put('allure-results/abc-result.json', `{"name":"login","steps":[{"message":"connected with ${SECRET} ok"}]}`);
  put('junit.xml', '<testsuites><testcase name="clean"/></testsuites>');
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual(['allure-results/abc-result.json KAFKA_SASL_PASSWORD plain content']);
  expect(scan.findings[0]).toMatchObject({ masked: `ka…(${SECRET.length} chars)`, count: 1 });
  expect(scan.files).toBe(2);
  expect(scan.bytes).toBeGreaterThan(50);
  expect(scan.unreadable).toEqual([]);
});

test('clean files give no finding', async () => {
  put('go-no-go.json', JSON.stringify({ verdict: 'GO', note: `password: [REDACTED], token ${'[REDACTED]'}`, url: 'postgres://app:[REDACTED]@db/x' }));
  put('timelines/auth.svg', '<svg><text>POST /api/v1/login → 200</text></svg>');
  put('shards/1-of-2/blob/report.zip', zip([{ name: 'report.jsonl', data: '{"method":"onBegin"}\n' }]));
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual([]);
  expect(scan.files).toBe(3);
  expect(scan.entries).toBe(1);
});

test('zip entries are read, deflated and stored, and named shard.zip!path/in/zip', async () => {
  put(
    'shards/1-of-2/blob/report-1.zip',
    zip([
      { name: 'report.jsonl', data: `{"method":"onStdOut","params":{"text":"Bearer ${TOKEN}"}}\n` },
      { name: 'resources/a1b2.json', data: `{"pw":"${SECRET}"}`, stored: true },
      { name: 'resources/clean.txt', data: 'nothing to see' },
    ]),
  );
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual([
    'shards/1-of-2/blob/report-1.zip!report.jsonl access token plain content',
    'shards/1-of-2/blob/report-1.zip!resources/a1b2.json KAFKA_SASL_PASSWORD plain content',
  ]);
  expect(scan.entries).toBe(3);
});

test('every written form: URL-encoded, JSON-escaped, base64, XML-escaped', async () => {
  const forms = Object.fromEntries(secretForms(SECRET).map((f) => [f.form, f.text]));
  expect(Object.keys(forms).sort()).toEqual(['base64', 'json-escaped', 'plain', 'url-encoded', 'xml-escaped']);
  put('a-url.txt', `GET /x?pw=${encodeURIComponent(SECRET)}`);
  put('b-json.json', JSON.stringify({ msg: `pw ${SECRET}` }));
  put('c-base64.txt', `Authorization: Basic ${Buffer.from(SECRET).toString('base64')}`);
  put('d-junit.xml', `<failure message="pw ${forms['xml-escaped']}"/>`);
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual([
    'a-url.txt KAFKA_SASL_PASSWORD url-encoded content',
    'b-json.json KAFKA_SASL_PASSWORD json-escaped content',
    'c-base64.txt KAFKA_SASL_PASSWORD base64 content',
    'd-junit.xml KAFKA_SASL_PASSWORD xml-escaped content',
  ]);
});

test("a secret inside a base64 body (a blob report's attachment) is found after decoding", async () => {
  const attachment = JSON.stringify({ request: 'POST /login', responseBody: { accessToken: TOKEN, user: 'usr_1' } }, null, 2);
  const line = JSON.stringify({ method: 'onAttach', params: { attachments: [{ name: 'HTTP POST /login → 200', contentType: 'application/json', base64: Buffer.from(attachment).toString('base64') }] } });
  put('blob.zip', zip([{ name: 'report.jsonl', data: `${line}\n` }]));
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual(['blob.zip!report.jsonl access token plain base64 content']);
});

test("secretlint's patterns are found in files and zip entries, masked, and named by the rule", async () => {
  put('junit.xml', `<system-out>token ${GITHUB}</system-out>`);
  put('blob.zip', zip([{ name: 'resources/out.txt', data: `npm token npm_1234567890abcdefghijklmnopqrstuvwxyz` }]));
  const scan = await scanArtifacts(dir, []);
  expect(found(scan)).toEqual(['blob.zip!resources/out.txt secretlint:NPM_ACCESS_TOKEN - content', 'junit.xml secretlint:GITHUB_TOKEN - content']);
  expect(scan.findings.find((f) => f.file === 'junit.xml')?.masked).toBe(`gh…(${GITHUB.length} chars)`);
  expect(JSON.stringify(scan)).not.toContain('npm_1234567890');
  // Off when asked, so the pattern hits above are secretlint's.
  expect((await scanArtifacts(dir, [], { patterns: false })).findings).toEqual([]);
});

test('a zip inside a zip, a secret in a file name (masked in the finding too), and a file that is not a readable zip', async () => {
  put('outer.zip', zip([{ name: 'resources/trace.zip', data: zip([{ name: 'trace.network', data: `cookie ${SECRET}` }]), stored: true }]));
  put(`test-results/login-${TOKEN}/stdout.txt`, 'fine');
  // A truncated zip (a run killed while writing its blob): named unreadable, and its raw bytes still scanned.
  const whole = zip([{ name: 'a.txt', data: `x ${SECRET} y`, stored: true }]);
  put('broken.zip', whole.subarray(0, whole.length - 30));
  const scan = await scanArtifacts(dir, SECRETS);
  expect(found(scan)).toEqual([
    'broken.zip KAFKA_SASL_PASSWORD plain content',
    'outer.zip!resources/trace.zip!trace.network KAFKA_SASL_PASSWORD plain content',
    `test-results/login-[ey…(${TOKEN.length} chars)]/stdout.txt access token plain name`,
  ]);
  expect(scan.unreadable.map((u) => u.file)).toEqual(['broken.zip']);
  expect(scan.unreadable[0].reason).toContain('its raw bytes were scanned');
});

test('large files and entries are read in windows: a secret across a window edge and a long base64 body across one are found', async () => {
  const W = 256 * 1024;
  const filler = (n: number) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27)).slice(0, n);
  // The secret straddles the first window's end.
  put('big.log', filler(W - 5) + SECRET + filler(2 * W));
  // An attachment of three windows as one base64 run, the token in its middle (past a window's edge once encoded).
  const body = Buffer.from(filler(1.5 * W) + TOKEN + filler(1.5 * W));
  put('blob.zip', zip([{ name: 'report.jsonl', data: `{"base64":"${body.toString('base64')}"}\n` }]));
  const scan = await scanArtifacts(dir, SECRETS, { windowBytes: W, patterns: false });
  expect(found(scan)).toEqual(['big.log KAFKA_SASL_PASSWORD plain content', 'blob.zip!report.jsonl access token plain base64 content']);
  expect(scan.findings.find((f) => f.file === 'big.log')?.count).toBe(1);
});

test('masking shows at most two characters of a long value and none of a short one', () => {
  expect(maskSecret('abcdefghijklmnop')).toBe('ab…(16 chars)');
  expect(maskSecret('hunter2')).toBe('…(7 chars)');
});

test('files the caller leaves out are not read; secrets shorter than four characters are not searched', async () => {
  put('verdict-reporter.ts', `const example = '${SECRET}';`);
  put('notes.txt', 'abc abc');
  const scan = await scanArtifacts(dir, [...SECRETS, { value: 'abc', kind: 'tiny' }], { skip: (p) => p.endsWith('.ts') });
  expect(found(scan)).toEqual([]);
  expect(scan.files).toBe(1);
});
