// Criterion 2: the four end-to-end flows pass.
import { FLOW_NAMES } from '../../../contracts/flows';
import { fromFlows } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 2,
  title: 'All 4 E2E flow smoke tests pass',
  verification: 'Automated test scripts on staging',
  decidedBy: 'evidence',
  checks: FLOW_NAMES.map((project) => ({ project })),
  evaluate: fromFlows(FLOW_NAMES, 2),
});
