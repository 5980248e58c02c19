// One unit test per additive-only rule (compliance matrix §6): each breaking edit is named by rule and path; an additive edit passes.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { diffAsyncApi, diffOpenApi } from './contract-diff';

const load = (f: string) => parse(readFileSync(join(__dirname, '..', 'contracts', 'frozen', f), 'utf8'));
const asyncBase = () => load('asyncapi.yaml');
const openBase = () => load('openapi.yaml');
const rules = (changes: { rule: string; path: string }[]) => changes.map((c) => `${c.rule} ${c.path}`);

test('the frozen baseline against itself: no breaking change', () => {
  expect(diffAsyncApi(asyncBase(), asyncBase())).toEqual([]);
  expect(diffOpenApi(openBase(), openBase())).toEqual([]);
});

test('additive edits pass: a new topic, a new optional field, a new enum value, a new route', () => {
  const a = asyncBase();
  a.channels['cert-ix.asset.archived'] = a.channels['cert-ix.asset.deleted'];
  a.components.schemas.AssetEvent.properties.labels = { type: 'array', items: { type: 'string' } };
  a.components.schemas.AssetEvent.properties.type.enum.push('cidr');
  expect(diffAsyncApi(asyncBase(), a)).toEqual([]);
  const o = openBase();
  o.paths['/api/v1/assets/{id}/labels'] = { get: { operationId: 'listLabels', responses: { '200': { description: 'ok' } } } };
  expect(diffOpenApi(openBase(), o)).toEqual([]);
});

test('removed topic', () => {
  const a = asyncBase();
  delete a.channels['cert-ix.scan-results'];
  expect(rules(diffAsyncApi(asyncBase(), a))).toEqual(['removed-topic asyncapi channels.cert-ix.scan-results']);
});

test('removed route', () => {
  const o = openBase();
  delete o.paths['/api/v1/assets/{id}'].patch;
  expect(rules(diffOpenApi(openBase(), o))).toEqual(['removed-route openapi PATCH /api/v1/assets/{id}']);
});

test('removed field', () => {
  const a = asyncBase();
  delete a.components.schemas.AssetEvent.properties.traceId;
  expect(rules(diffAsyncApi(asyncBase(), a))).toContain('removed-field asyncapi channels.cert-ix.asset.created payload.traceId');
});

test('removed enum value', () => {
  const a = asyncBase();
  a.components.schemas.AssetEvent.properties.type.enum = ['domain', 'ip'];
  const changes = diffAsyncApi(asyncBase(), a);
  expect(rules(changes)).toContain('removed-enum-value asyncapi channels.cert-ix.asset.created payload.type');
  expect(changes[0].detail).toBe('enum value "url" removed');
});

test('type change', () => {
  const o = openBase();
  o.components.schemas.Asset.properties.value = { type: 'integer' };
  expect(rules(diffOpenApi(openBase(), o))).toContain('type-change openapi GET /api/v1/assets/{id} 200.value');
});

test('new required field', () => {
  const a = asyncBase();
  a.components.schemas.AssetEvent.required.push('name');
  expect(rules(diffAsyncApi(asyncBase(), a))).toContain('new-required-field asyncapi channels.cert-ix.asset.created payload.name');
});
