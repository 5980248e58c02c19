// No-Go trigger: TLS not enforced on an external-facing endpoint (criterion 4, 5 or 6 failed, naming the endpoints).
import gateway from '../criteria/c04-tls-gateway';
import kafka from '../criteria/c05-kafka-ssl';
import redis from '../criteria/c06-redis-tls';
import { defineTrigger } from '../criteria/types';
import { fromCriteria } from './from-criteria';

export default defineTrigger({
  id: 'tls-not-enforced',
  title: 'TLS not enforced on external-facing endpoint',
  evaluate: fromCriteria([gateway.id, kafka.id, redis.id], 'no plaintext endpoint found'),
});
