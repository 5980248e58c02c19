// Criterion 1: every P0 gap remediated, one row per gap (helpers/verdict/gaps.ts); gaps no run can see wait for a code review.
import { evaluateGaps, GAP_CHECKS } from '../gaps';
import { defineCriterion } from './types';

export default defineCriterion({
  id: 1,
  title: 'All P0 gaps remediated',
  verification: 'Code review + deployment verification',
  decidedBy: 'evidence or sign-off',
  checks: GAP_CHECKS,
  evaluate: (ctx) => evaluateGaps(ctx.run.tests, ctx.run.allowFlaky),
});
