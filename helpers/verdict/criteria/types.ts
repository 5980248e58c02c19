// What a Go criterion and a No-Go trigger are: id, title, what decides it, the checks it needs, and `evaluate` over the run.
import type { CriterionEvidence, CriterionStatus, FlowResult, RunModel, TestModel, TriggerResult } from '../run';
import type { CatalogueCheck, CheckRef } from '../inventory';

/** What an evaluator reads: the run, its tests grouped by flow, and the flows' results. */
export interface RunContext {
  run: RunModel;
  flows: FlowResult[];
  flow(name: string): FlowResult;
  testsOfFlow(name: string): TestModel[];
  /** tests of the named flows, plus every test tagged `@criterion-<id>` */
  testsFor(flows: readonly string[], id: number): TestModel[];
}

export interface CriterionOutcome {
  status: CriterionStatus;
  detail: string;
  evidence: CriterionEvidence[];
}

/**
 * evidence: this run decides it (pass, fail, not-run). evidence or sign-off: the run decides what it can see; what it
 * cannot (a code review, a source not given, a configuration it may not read) waits for a named sign-off.
 */
export type DecidedBy = 'evidence' | 'evidence or sign-off';

export interface Criterion<I extends number = number> {
  id: I;
  title: string;
  /** the verification method the criterion names */
  verification: string;
  decidedBy: DecidedBy;
  /** the checks it is decided by: a project, a tag, or a tagged check of a project (listed in the catalogue) */
  checks: readonly (CheckRef | CatalogueCheck)[];
  evaluate(ctx: RunContext): CriterionOutcome;
}

export type TriggerOutcome = Omit<TriggerResult, 'id' | 'title'>;

export interface Trigger<I extends string = string> {
  id: I;
  title: string;
  evaluate(ctx: RunContext, criteria: ReadonlyMap<number, CriterionOutcome>): TriggerOutcome;
}

/** A criterion with its literal id kept, so the index can name the ids' type. */
export const defineCriterion = <const I extends number>(c: Criterion<I>): Criterion<I> => c;
export const defineTrigger = <const I extends string>(t: Trigger<I>): Trigger<I> => t;
