// Model of otp-service (compliance matrix §1, P0): no flow crosses it, so the model is its health endpoint (criterion 10) and nothing more.
import type { ServiceModule } from '../types';

const mod: ServiceModule = {
  name: 'otp-service',
  // The shell (common/app.ts) serves /health/otp-service; the contract gives it no other route yet.
  async register() {},
};
export default mod;
