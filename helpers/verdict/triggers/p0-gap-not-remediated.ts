// No-Go trigger: any P0 gap not remediated (criterion 1 failed).
import gaps from '../criteria/c01-p0-gaps';
import { defineTrigger } from '../criteria/types';
import { fromCriteria } from './from-criteria';

export default defineTrigger({ id: 'p0-gap-not-remediated', title: 'Any P0 gap not remediated', evaluate: fromCriteria([gaps.id], 'no P0 gap found open') });
