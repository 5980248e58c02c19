// Checks the files that cannot import the list of databases (the compose init script, docker-compose.test.yml, the probe profile) against contracts/databases.ts.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASES, DATABASE_ENV, DATABASE_NAMES, DB_VARS, OPTIONAL_DBS } from './databases';

const root = join(__dirname, '..');

test('the derived maps agree with the one list', () => {
  expect(Object.keys(DATABASE_ENV)).toEqual(DATABASE_NAMES);
  expect(DATABASE_ENV.cert_ix_tools_service).toBe('TOOLS_DB_URL');
  expect(DB_VARS.verification).toBe('VERIFICATION_DB_URL');
  expect(OPTIONAL_DBS).toEqual(['verification', 'checkout']);
  expect(new Set(Object.values(DATABASES).map((d) => d.env)).size).toBe(DATABASE_NAMES.length);
});

test('the compose init script creates exactly the listed databases, in order', () => {
  const sql = readFileSync(join(root, 'stack', 'compose', 'init-databases.sql'), 'utf8');
  expect([...sql.matchAll(/^CREATE DATABASE (\w+);$/gm)].map((m) => m[1])).toEqual(DATABASE_NAMES);
});

test('docker-compose.test.yml and the probe profile name only listed databases and variables', () => {
  const compose = readFileSync(join(root, 'docker-compose.test.yml'), 'utf8');
  const used = [...compose.matchAll(/@postgres:5432\/(\w+)/g)].map((m) => m[1]);
  expect(used.length).toBeGreaterThan(0);
  expect(used.filter((d) => !(DATABASE_NAMES as string[]).includes(d))).toEqual([]);
  const profile = readFileSync(join(root, 'contracts', 'profiles', 'reference.json'), 'utf8');
  const vars = Object.values(DATABASES).map((d) => d.env as string);
  const named = [...profile.matchAll(/"db":\s*"(\w+)"/g)].map((m) => m[1]);
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((v) => !vars.includes(v))).toEqual([]);
});
