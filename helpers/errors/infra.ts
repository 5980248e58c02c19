// Errors about the run's surroundings: a part that cannot be reached, a wait that ran out, a configuration that is wrong.
import { FlowgateError, plural } from './base';
import { excerpt, formatMs, withoutCredentials } from './text';

/** A part of the target (a broker, a database, Redis, the gateway) that did not answer: the run cannot evaluate it. */
export class InfrastructureUnreachable extends FlowgateError {
  static readonly category = 'infrastructure unreachable' as const;
  static readonly unreachable = true;
  readonly component: string;
  readonly address: string;
  readonly details: { component: string; address: string };
  constructor(component: string, address: string, cause: string) {
    const safe = withoutCredentials(address);
    super('InfrastructureUnreachable', `cannot reach ${component} at ${safe}: ${withoutCredentials(cause)}`);
    this.component = component;
    this.address = safe;
    this.probe = `${component} at ${safe}`;
    this.expected = `${component} answering`;
    this.observed = withoutCredentials(cause);
    this.details = { component, address: safe };
  }
}

export class BudgetExceeded extends FlowgateError {
  static readonly category = 'budget exceeded' as const;
  readonly waitingFor: string;
  readonly budgetMs: number;
  readonly details: { waitingFor: string; budgetMs: number };
  constructor(waitingFor: string, budgetMs: number, lastSeen?: string) {
    super('BudgetExceeded', `waited ${formatMs(budgetMs)} for ${waitingFor}${lastSeen ? `; last seen: ${excerpt(lastSeen, 300)}` : ''}`);
    this.waitingFor = waitingFor;
    this.budgetMs = budgetMs;
    this.probe = waitingFor;
    this.expected = `${waitingFor} within ${formatMs(budgetMs)}`;
    this.observed = lastSeen ? `last seen: ${excerpt(lastSeen, 300)}` : `nothing within ${formatMs(budgetMs)}`;
    this.details = { waitingFor, budgetMs };
  }
}

export class ConfigError extends FlowgateError {
  static readonly category = 'configuration' as const;
  readonly problems: string[];
  readonly details: { source: string; problems: readonly string[] };
  constructor(problems: string[], source = 'the target configuration') {
    super('ConfigError', `${plural(problems.length, 'problem')} in ${source}:${problems.map((p) => `\n  - ${p}`).join('')}`);
    this.problems = problems;
    this.probe = source;
    this.expected = `a valid ${source.replace(/^the /, '')}`;
    this.observed = problems.join('; ');
    this.details = { source, problems: problems.slice(0, 20).map((p) => excerpt(p, 300)) };
  }
}
