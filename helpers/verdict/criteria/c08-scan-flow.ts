// Criterion 8: the scan flow (create → scan → results) passes end to end.
import { fromFlows } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 8,
  title: 'Scan flow: create → scan → results works E2E',
  verification: 'Flow 2 smoke test',
  decidedBy: 'evidence',
  checks: [{ project: 'scan' }],
  evaluate: fromFlows(['scan'], 8),
});
