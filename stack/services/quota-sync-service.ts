// Model of quota-sync-service: turns asset-management's absolute asset count into subscription-service's quota sync.
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { consumeTopics, emit, fieldsOf, nowIso } from './common/util';

const mod: ServiceModule = {
  name: 'quota-sync-service',
  async register(app, ctx) {
    bindRoutes(app, ctx, {});
    // the last count forwarded per tenant; only the faults need it, to tell an increase from a decrease
    const lastForwarded = new Map<string, number>();
    await consumeTopics(ctx, {
      'cert-ix.quota.sync.assets': async (ev) => {
        const v = fieldsOf(ctx, ev, 'tenantId');
        if (!v || !Number.isInteger(v.assetCount) || v.assetCount < 0) return;
        const tenantId = String(v.tenantId);
        const previous = lastForwarded.get(tenantId) ?? 0;
        if (v.assetCount > previous && ctx.faults.on('asset-quota-not-counted')) return;
        if (v.assetCount < previous && ctx.faults.on('asset-quota-not-decremented')) return;
        lastForwarded.set(tenantId, v.assetCount);
        await emit(ctx, 'cert-ix.subscription.quota.sync', { tenantId, resource: 'assets', used: v.assetCount, at: nowIso() }, { key: tenantId });
      },
    });
  },
};
export default mod;
