// Criterion 7: the auth flow (register → login → access → logout) passes end to end.
import { fromFlows } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 7,
  title: 'Auth flow: register → login → access → logout works E2E',
  verification: 'Flow 1 smoke test',
  decidedBy: 'evidence',
  checks: [{ project: 'auth' }],
  evaluate: fromFlows(['auth'], 7),
});
