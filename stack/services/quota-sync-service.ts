// Model of quota-sync-service: turns asset-management's absolute asset count into subscription-service's quota sync.
import type { ServiceModule } from '../types';
import { QUOTA_LATE_HOP_MS } from '../faults';
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
        // asset-quota-sync-late: the first of two late hops; not awaited, so the consumer keeps reading meanwhile
        if (ctx.faults.on('asset-quota-sync-late')) {
          const used = v.assetCount;
          setTimeout(() => void emit(ctx, 'cert-ix.subscription.quota.sync', { tenantId, resource: 'assets', used, at: nowIso() }, { key: tenantId }).catch((e) => ctx.log(`quota-sync: late sync failed: ${e}`)), QUOTA_LATE_HOP_MS);
          return;
        }
        await emit(ctx, 'cert-ix.subscription.quota.sync', { tenantId, resource: 'assets', used: v.assetCount, at: nowIso() }, { key: tenantId });
      },
    });
  },
};
export default mod;
