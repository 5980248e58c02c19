// What a complete run contains, as a shape: the checks a criterion needs and the inventory the completeness check compares a run with.
import type { ProjectName } from './projects';

/** What shows a criterion was checked: a project that ran, or a test tagged so. */
export type CheckRef = { project: ProjectName } | { tag: string };

/** A tagged check of a project and what it shows: the catalogue lists it, so a run without it is incomplete. */
export interface CatalogueCheck {
  project: ProjectName;
  tag: string;
  what: string;
}

/** One auth-bypass probe: a step of the auth-bypass project whose title starts with `step`. */
export interface CatalogueProbe {
  service: string;
  route: string;
  step: string;
}

/** What a complete run contains, as completeness.ts checks it. Built from the catalogue; the reporter's own tests pass a small one. */
export interface Inventory {
  projects: readonly string[];
  /** flow → its numbered steps' ids */
  flows: Record<string, readonly string[]>;
  probes: readonly CatalogueProbe[];
  /** the project the probes run in */
  probeProject: string;
  checks: readonly CatalogueCheck[];
  criteria: Record<number, readonly CheckRef[]>;
  /** criterion 10: the project that asks every P0 service (x-services names) for its health */
  health?: { project: string; services: readonly string[] };
}
