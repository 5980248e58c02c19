// The harness's typed errors and failure categories, one module per concern: import them from here.
export { CATEGORIES, FlowgateError, type Category, type FailureDetails } from './base';
export { ContractViolation, EventNotObserved, type ContractSource, type ContractViolationDetails, type EventNotObservedDetails, type EventRef } from './events';
export { AuthBypass, ProbeServerError, UnexpectedResponse, type ProbeServerErrorFinding, type UnexpectedResponseDetails } from './responses';
export { DbStateMismatch, RedisStateMismatch, type DbStateMismatchDetails, type RedisStateMismatchDetails } from './state';
export { BudgetExceeded, ConfigError, InfrastructureUnreachable } from './infra';
export { isUnreachable, UNREACHABLE_TEXT, type UnreachableOptions } from './unreachable';
export { categoryOf, categoryRules, errorClassOf, ERROR_CLASSES, TIMEOUT_TEXT, type CategoryRule, type ErrorName } from './category';
export { FAILURE_ATTACHMENT, FAILURE_CONTENT_TYPE, parseStructuredFailure, structuredFailure, type StructuredFailure } from './failure';
export { EXCERPT_CHARS, excerpt, firstLine, formatMs, stripAnsi, truncate, withoutCredentials } from './text';
