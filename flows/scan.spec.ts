// Flow 2: create asset → verify ownership → scan → results → vulnerability visible, with scan events and audit trail.
import { test, expect, login } from '../fixtures';
import { polling } from '../helpers/poll';
import { ContractViolation } from '../helpers/errors';
import { flowSteps, flowTag } from '../contracts/flows';
import { gapTag } from '../contracts/p0-gaps';
import { criterionTag } from '../helpers/verdict/criteria';

const step = flowSteps('scan');

test.describe('scan flow', () => {
  test('create → scan → results → vulnerability', { tag: [flowTag('scan'), criterionTag(2), criterionTag(8), gapTag('P0-09')] }, async ({ flow, api, observer, db, account, target, contract, cleanup }) => {
    const budgets = target.budgets;
    const engine = contract.scanEngines[0] ?? 'nuclei';
    const priority = 'normal';
    let token = '';
    let assetId = '';
    let scanId = '';
    let findings: any[] = [];
    const host = `${account.lastName.toLowerCase()}.scan.flowgate.test`;

    await flow.step(...step(1), api.describe('login'), async () => {
      ({ token } = await login(api, contract, account));
    });

    await flow.step(...step(2), api.describe('createAsset'), async () => {
      const res = await api.call('createAsset', { token, body: { name: `flowgate scan ${account.runId}`, type: 'domain', value: host }, expect: 201 });
      assetId = res.body.id;
      cleanup.created('assetId', assetId);
      await observer.waitFor('cert-ix.asset.created', { assetId, tenantId: account.tenantId });
    });

    await flow.step(...step(3), api.describe('createOwnershipProof'), async () => {
      // The verification service learns of the asset from cert-ix.asset.created; until it has, it answers 404. Only that is retried.
      let proof: any;
      await expect
        .poll(async () => (proof = await api.call('createOwnershipProof', { token, body: { assetId, method: 'dns-txt' }, expect: [201, 404] })).status, polling({
          timeout: budgets.stepMs,
          message: `asset-verification to know asset ${assetId} (201, not 404)`,
        }))
        .toBe(201);
      expect(proof.body.status, 'the ownership proof verifies').toBe('verified');
    });

    await flow.step(...step(4), api.describe('startScan'), async () => {
      const res = await api.call('startScan', { token, body: { assetId, target: host, engine, priority }, expect: 202 });
      scanId = res.body.scanId;
      cleanup.created('scanId', scanId);
      const seen = await observer.waitForEvent('cert-ix.scans.{engine}.{priority}', { scanId, tenantId: account.tenantId });
      // The queue is the topic, not the payload: a scan on another priority's topic is mis-dispatched whatever it says.
      const expectedTopic = contract.scanTopic(engine, priority);
      if (seen.topic !== expectedTopic)
        throw new ContractViolation({
          topic: seen.topic,
          partition: seen.partition,
          offset: seen.offset,
          value: seen.payload,
          problems: [`scan ${scanId} (engine ${engine}, priority ${priority}) was dispatched on ${seen.topic}; expected ${expectedTopic}`],
        });
      expect(seen.payload, 'the scan is dispatched to its engine and priority').toMatchObject({ assetId, engine, priority });
      await db.expectRows('scan.audit', { scanId }, (rows) => rows.some((r) => r.action === 'received'), "the scan audit trail's 'received' row");
    });

    await flow.step(...step(5), api.describe('getScan'), async () => {
      await observer.waitFor('cert-ix.scans.events', { scanId, status: 'completed' }, budgets.scanMs, { sinceStep: 4 });
      await expect
        .poll(async () => (await api.call('getScan', { token, params: { id: scanId }, expect: 200 })).body.status, polling({
          timeout: budgets.scanMs,
          message: `scan ${scanId} to reach status "completed"`,
        }))
        .toBe('completed');
      await db.expectRows('scan.audit', { scanId }, (rows) => ['received', 'started', 'completed'].every((a) => rows.some((r) => r.action === a)),
        "the scan audit trail: 'received', 'started' and 'completed'");
    });

    await flow.step(...step(6), api.describe('getScanResults'), async () => {
      const event = await observer.waitFor('cert-ix.scan-results', { scanId, tenantId: account.tenantId }, undefined, { sinceStep: 4 });
      const res = await api.call('getScanResults', { token, params: { id: scanId }, expect: 200 });
      findings = res.body.findings;
      expect(findings.length, 'a completed scan of the reference target has findings').toBeGreaterThan(0);
      expect(findings.map((f: any) => f.findingId).sort()).toEqual(event.findings.map((f: any) => f.findingId).sort());
    });

    await flow.step(...step(7), api.describe('listVulnerabilities'), async () => {
      await expect
        .poll(async () => (await api.call('listVulnerabilities', { token, query: { scanId }, expect: 200 })).body.items.map((v: any) => v.findingId).sort(), polling({
          timeout: budgets.stepMs,
          message: `vulnerability-management to list the findings of scan ${scanId}`,
        }))
        .toEqual(findings.map((f: any) => f.findingId).sort());
      await db.expectRows('vulnerability.byScan', { scanId, tenantId: account.tenantId }, (rows) => rows.length === findings.length, `${findings.length} vulnerability rows`);
    });
  });
});
