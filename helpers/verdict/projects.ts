// The catalogue's projects (one spec file each under flows/) and how a test is placed in one: the criteria, the verdict, the console and the fixtures read them.
//
// A catalogue project is not a Playwright project. Playwright starts worker processes per Playwright project (a worker
// never runs two), and each costs 1–3 CPU-seconds before its first test; a run of eight projects paid that eight times
// on a 2-core machine (issue 31). So playwright.config.ts runs them as two Playwright projects (RUNNER_PROJECTS: the
// preflight, then everything else behind it), and a test's catalogue project is the spec file it lives in.
import { basename } from 'node:path';
import { BYPASS, FLOW_NAMES, type FlowName } from '../../contracts/flows';

/** The set-up project whose failure means the run could not be evaluated (criterion 10's health checks). */
export const PREFLIGHT = 'preflight';
/** Checks of the deployed source without the target (criteria 3 and 11, the P0 gaps its source decides). */
export const SOURCE = 'source';
/** Connection tests (criteria 4, 5, 6 and P0-06). */
export const TRANSPORT = 'transport';

export type ProjectName = typeof PREFLIGHT | typeof SOURCE | typeof TRANSPORT | FlowName | typeof BYPASS;

export interface CatalogueProject {
  name: ProjectName;
  /** the spec file under flows/ */
  spec: string;
  kind: 'setup' | 'check' | 'flow' | 'probes';
}

/**
 * Every project of a run, in the order the verdict and the docs list them. Not the order they run in: inside the
 * gate's Playwright project a worker takes the spec files in path order (Playwright's), after the preflight.
 */
export const PROJECTS: readonly CatalogueProject[] = [
  { name: PREFLIGHT, spec: 'preflight.setup.ts', kind: 'setup' },
  { name: SOURCE, spec: 'source.spec.ts', kind: 'check' },
  { name: TRANSPORT, spec: 'transport.spec.ts', kind: 'check' },
  { name: BYPASS, spec: 'auth-bypass.spec.ts', kind: 'probes' },
  ...FLOW_NAMES.map((name) => ({ name, spec: `${name}.spec.ts`, kind: 'flow' as const })),
];

/** The Playwright project the gate runs everything after the preflight in (one set of worker processes for all). */
export const GATE = 'gate';

/**
 * The Playwright projects of a run: the preflight alone (its failure skips the rest: could not evaluate), then every
 * other catalogue project in one, whose workers take the spec files one after another.
 */
export const RUNNER_PROJECTS: readonly { name: string; specs: readonly string[]; afterPreflight: boolean }[] = [
  { name: PREFLIGHT, specs: [PROJECTS[0].spec], afterPreflight: false },
  { name: GATE, specs: PROJECTS.filter((p) => p.name !== PREFLIGHT).map((p) => p.spec), afterPreflight: true },
];

const BY_SPEC = new Map(PROJECTS.map((p) => [p.spec, p.name]));

/** The catalogue project of a spec file (its path or name), or undefined for a file outside the catalogue. */
export const projectOfFile = (file: string): ProjectName | undefined => BY_SPEC.get(basename(file));

/**
 * The catalogue project of a test: its spec file's, else (a test outside flows/, as the self tests write them) the
 * Playwright project's name.
 */
export function projectOfTest(file: string, playwrightProject: string | undefined): string {
  return projectOfFile(file) ?? playwrightProject ?? '';
}

/** The catalogue project of a reporter's TestCase (structural: no reporter types here). */
export const projectOfCase = (t: { location: { file: string }; parent: { project(): { name: string } | undefined } }): string =>
  projectOfTest(t.location.file, t.parent.project()?.name);
