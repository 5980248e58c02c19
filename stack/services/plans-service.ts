// Model of plans-service: the plan catalogue checkout sells from.
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { PLANS } from './common/plans';

const mod: ServiceModule = {
  name: 'plans-service',
  async register(app, ctx) {
    bindRoutes(app, ctx, {
      async listPlans() {
        if (ctx.faults.on('payment-plans-empty')) return { plans: [] };
        return { plans: PLANS.map((p) => ({ ...p, limits: { ...p.limits } })) };
      },
    });
  },
};
export default mod;
