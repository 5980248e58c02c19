// The Cert-IX service models of the embedded stack, one per service in openapi.yaml x-services.
import type { ServiceModule } from '../types';
import qrAuth from './qr-auth-service';
import captcha from './captcha-service';
import email from './email-service';
import subscription from './subscription-service';
import accountProvisioning from './account-provisioning-service';
import assetManagement from './asset-management-service';
import quotaSync from './quota-sync-service';
import assetVerification from './asset-verification-service';
import scanApi from './scan-api-service';
import scanEngineWorker from './scan-engine-worker';
import vulnerabilityManagement from './vulnerability-management-service';
import plans from './plans-service';
import checkoutOrchestration from './checkout-orchestration-service';
import paymentProcessing from './payment-processing-service';
import invoice from './invoice-service';
import clientDashboard from './client-dashboard';
import otp from './otp-service';

export const SERVICES: ServiceModule[] = [
  qrAuth,
  captcha,
  email,
  subscription,
  accountProvisioning,
  assetManagement,
  quotaSync,
  assetVerification,
  scanApi,
  scanEngineWorker,
  vulnerabilityManagement,
  plans,
  checkoutOrchestration,
  paymentProcessing,
  invoice,
  clientDashboard,
  otp,
];
