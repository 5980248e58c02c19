// No-Go trigger: a hardcoded secret found in production config (criterion 3 failed).
import secrets from '../criteria/c03-no-hardcoded-secrets';
import { defineTrigger } from '../criteria/types';
import { fromCriteria } from './from-criteria';

export default defineTrigger({ id: 'hardcoded-secret', title: 'Hardcoded secret found in production config', evaluate: fromCriteria([secrets.id], 'no hardcoded secret found') });
