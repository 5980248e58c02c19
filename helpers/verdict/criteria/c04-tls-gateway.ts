// Criterion 4 by connection tests of the transport project. TLS on the gateway and every public endpoint: plaintext refused, certificates verified.
import { TRANSPORT } from '../projects';
import { fromTransport, tagOf } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 4,
  title: 'TLS enforced on all external endpoints',
  verification: 'curl -k test against Kong + all public ports',
  decidedBy: 'evidence or sign-off',
  checks: [{ project: TRANSPORT, tag: tagOf(4), what: 'TLS on the gateway and every public endpoint' }],
  evaluate: fromTransport(4),
});
