// Criterion 9: the payment flow (checkout → pay → subscription active) passes end to end.
import { fromFlows } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 9,
  title: 'Payment flow: checkout → pay → subscription active works E2E',
  verification: 'Flow 4 smoke test',
  decidedBy: 'evidence',
  checks: [{ project: 'payment' }],
  evaluate: fromFlows(['payment'], 9),
});
