// The names of a run's Playwright projects besides the flows: the catalogue lists them, the criteria and the verdict read them.
import { BYPASS, type FlowName } from '../../contracts/flows';

/** The set-up project whose failure means the run could not be evaluated (criterion 10's health checks). */
export const PREFLIGHT = 'preflight';
/** Checks of the deployed source without the target (criteria 3 and 11, the P0 gaps its source decides). */
export const SOURCE = 'source';
/** Connection tests (criteria 4, 5, 6 and P0-06). */
export const TRANSPORT = 'transport';

export type ProjectName = typeof PREFLIGHT | typeof SOURCE | typeof TRANSPORT | FlowName | typeof BYPASS;
