// Criterion 5 by connection tests of the transport project. Kafka: every producer and consumer connects over SSL, no plaintext listener answers.
import { TRANSPORT } from '../projects';
import { fromTransport, tagOf } from './shared';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 5,
  title: 'Kafka SSL enabled for all producers/consumers',
  verification: 'Config audit + connection test',
  decidedBy: 'evidence or sign-off',
  checks: [{ project: TRANSPORT, tag: tagOf(5), what: 'Kafka SSL' }],
  evaluate: fromTransport(5),
});
