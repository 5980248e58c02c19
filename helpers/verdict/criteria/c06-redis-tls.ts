// Criterion 6 by connection tests of the transport project. Redis: every service connects over TLS, no plaintext port answers.
import { TRANSPORT } from '../projects';
import { fromTransport, tagOf } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 6,
  title: 'Redis TLS enabled for all services',
  verification: 'Config audit + connection test',
  decidedBy: 'evidence or sign-off',
  checks: [{ project: TRANSPORT, tag: tagOf(6), what: 'Redis TLS' }],
  evaluate: fromTransport(6),
});
