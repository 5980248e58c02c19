// The embedded stack's components, named once: what each is, whether the control port may stop it, how long its stop may take and the prefix of its log lines.
export interface ComponentSpec {
  /** what it is, for a person (progress lines, errors) */
  title: string;
  /** the control port may stop it on purpose (an outage for flowgate's own tests) */
  stoppable: boolean;
  /** the bound on its polite stop; a stop of a process that runs out of it leaves something behind */
  stopBoundMs: number;
  /** an OS process of its own: a stop that fails leaves it running, so stop() fails */
  process: boolean;
  /** the prefix of its progress lines in the stack log (`kafka: broker ready …`) */
  logPrefix: string;
}

/** In start order; a start in layers runs certificates, then kafka/postgres/redis together, then the rest one by one. */
export const COMPONENTS = {
  certificates: { title: 'the run certificates', stoppable: false, stopBoundMs: 10_000, process: false, logPrefix: 'tls:' },
  kafka: { title: 'Kafka', stoppable: true, stopBoundMs: 30_000, process: true, logPrefix: 'kafka:' },
  postgres: { title: 'PostgreSQL', stoppable: true, stopBoundMs: 30_000, process: true, logPrefix: 'postgres:' },
  redis: { title: 'Redis', stoppable: true, stopBoundMs: 30_000, process: true, logPrefix: 'redis:' },
  services: { title: 'the services', stoppable: false, stopBoundMs: 10_000, process: false, logPrefix: 'services:' },
  gateway: { title: 'the gateway', stoppable: true, stopBoundMs: 10_000, process: false, logPrefix: 'gateway:' },
  control: { title: 'the control port', stoppable: false, stopBoundMs: 10_000, process: false, logPrefix: 'control:' },
  'hidden-ports': { title: 'the conventional ports', stoppable: false, stopBoundMs: 10_000, process: false, logPrefix: 'hidden-ports:' },
} as const satisfies Record<string, ComponentSpec>;

export type ComponentName = keyof typeof COMPONENTS;
/** A component the control port may stop: `stoppable: true` in COMPONENTS. */
export type StoppableComponent = { [K in ComponentName]: (typeof COMPONENTS)[K]['stoppable'] extends true ? K : never }[ComponentName];
/** What a StartupError names: one component, or the stack as a whole. */
export type Component = ComponentName | 'stack';

export const COMPONENT_NAMES = Object.keys(COMPONENTS) as ComponentName[];
export const STOPPABLE_COMPONENTS = COMPONENT_NAMES.filter((c): c is StoppableComponent => COMPONENTS[c].stoppable);
/** The infrastructure processes: started together, a stop that fails on one of them fails stop(). */
export const PROCESS_COMPONENTS = COMPONENT_NAMES.filter((c) => COMPONENTS[c].process);

export function isStoppable(name: string): name is StoppableComponent {
  return (STOPPABLE_COMPONENTS as readonly string[]).includes(name);
}

export function isComponent(name: string): name is ComponentName {
  return Object.hasOwn(COMPONENTS, name);
}

/** A stack log line that says how the start is going (the stack's own, or a component's), as opposed to a service's request log. */
export function isProgressLine(line: string): boolean {
  return line.startsWith('stack:') || COMPONENT_NAMES.some((c) => line.startsWith(COMPONENTS[c].logPrefix));
}

/** What startStack reports as it goes (StackOptions.onProgress). */
export interface ProgressEvent {
  component: ComponentName;
  phase: 'starting' | 'ready';
  /** since startStack was called */
  elapsedMs: number;
}
