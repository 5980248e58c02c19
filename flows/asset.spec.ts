// Flow 3 (seed §5): asset CRUD with quota sync within the seed's 30 s, asset events and audit rows carrying the trace id.
import { test, expect, login } from '../fixtures';

test.describe('asset flow', () => {
  test('CRUD asset → quota syncs', { tag: ['@flow-asset', '@criterion-2', '@gap-P0-02'] }, async ({ flow, api, observer, db, account, target, contract }) => {
    const budgets = target.budgets;
    const tenantId = account.tenantId;
    let token = '';
    let assetId = '';
    const host = `${account.lastName.toLowerCase()}.asset.flowgate.test`;

    const usage = async () => (await api.call('getCurrentSubscription', { token, expect: [200, 404] })).body?.usage?.assets;
    const auditHasTrace = async (action: string, traceId: string) =>
      db.expectRows('asset.audit', { assetId, action }, (rows) => rows.some((r) => r.trace_id === traceId), `an '${action}' audit row with trace id ${traceId}`);

    await flow.step(1, 'Login → get JWT', api.describe('login'), async () => {
      ({ token } = await login(api, contract, account));
      // The free plan arrives asynchronously after registration; the quota steps need it.
      await expect.poll(usage, { timeout: budgets.stepMs, message: 'the free subscription to exist with asset usage 0' }).toBe(0);
    });

    await flow.step(2, 'Create asset', api.describe('createAsset'), async () => {
      const res = await api.call('createAsset', { token, body: { name: `flowgate asset ${account.runId}`, type: 'domain', value: host }, expect: 201 });
      assetId = res.body.id;
      expect(res.body).toMatchObject({ tenantId, type: 'domain', value: host });
      expect(await observer.waitFor('cert-ix.asset.created', { assetId, tenantId }), 'the created event carries the asset').toMatchObject({ value: host, type: 'domain' });
      await observer.waitFor('cert-ix.quota.sync.assets', { tenantId, assetCount: 1 });
      await db.expectRows('asset.byId', { assetId }, (rows) => rows[0]?.tenant_id === tenantId, 'the asset row of this tenant');
      await auditHasTrace('create', res.traceId);
    });

    await flow.step(3, 'Read asset', api.describe('getAsset'), async () => {
      const res = await api.call('getAsset', { token, params: { id: assetId }, expect: 200 });
      expect(res.body).toMatchObject({ id: assetId, tenantId, value: host });
    });

    await flow.step(4, 'Update asset', api.describe('updateAsset'), async () => {
      const name = `flowgate asset ${account.runId} (renamed)`;
      const res = await api.call('updateAsset', { token, params: { id: assetId }, body: { name }, expect: 200 });
      expect(res.body.name).toBe(name);
      expect(await observer.waitFor('cert-ix.asset.updated', { assetId, tenantId }), 'the updated event carries the change').toMatchObject({ name });
      const reread = await api.call('getAsset', { token, params: { id: assetId }, expect: 200 });
      expect(reread.body.name, 'the update is persisted').toBe(name);
      await auditHasTrace('update', res.traceId);
    });

    await flow.step(5, 'Verify quota updated', api.describe('getCurrentSubscription'), async () => {
      await observer.waitFor('cert-ix.subscription.quota.sync', { tenantId, resource: 'assets', used: 1 }, budgets.quotaMs);
      await expect.poll(usage, { timeout: budgets.quotaMs, message: 'subscription usage.assets to count the new asset (1)' }).toBe(1);
    });

    await flow.step(6, 'Delete asset', api.describe('deleteAsset'), async () => {
      const res = await api.call('deleteAsset', { token, params: { id: assetId }, expect: 204 });
      await observer.waitFor('cert-ix.asset.deleted', { assetId, tenantId });
      await db.expectRows('asset.byId', { assetId }, (rows) => rows.length === 0, 'no asset row any more');
      await auditHasTrace('delete', res.traceId);
    });

    await flow.step(7, 'Verify quota decremented', api.describe('getCurrentSubscription'), async () => {
      await observer.waitFor('cert-ix.subscription.quota.sync', { tenantId, resource: 'assets', used: 0 }, budgets.quotaMs);
      await expect.poll(usage, { timeout: budgets.quotaMs, message: 'subscription usage.assets to drop back to 0 within the quota budget' }).toBe(0);
    });
  });
});
