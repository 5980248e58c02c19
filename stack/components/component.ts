// The shape every part of the embedded stack has once started (as testcontainers-node's started containers): a handle that stops itself.
import type { Contracts } from '../../contracts';
import type { Faults } from '../faults';
import type { RunCertificates } from '../infra/tls';
import type { ServiceModule } from '../types';
import type { ComponentName } from './registry';

export interface StartedComponent {
  name: ComponentName;
  /** stops politely and releases what it holds; idempotent */
  stop(): Promise<void>;
  /** an outage on purpose (the control port): killed at once, not shut down */
  crash?(): Promise<void>;
  /** last resort on process exit: synchronous */
  killNow?(): void;
  pids(): number[];
  ports(): number[];
}

/** What every component's start() is given. */
export interface StackContext {
  tmpDir: string;
  log: (m: string) => void;
  contracts: Contracts;
  faults: Faults;
  modules: ServiceModule[];
  /** the run's CA and server certificates; absent in plaintext mode (npm run stack -- --plaintext) */
  certs?: RunCertificates;
  /** SCRAM users created at storage format: the harness's and one per service */
  kafkaUsers: Record<string, string>;
}

/** Bounds a stop that can hang (a Kafka client whose broker was stopped); the caller logs the timeout and moves on. */
export async function bounded(what: string, ms: number, fn: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
