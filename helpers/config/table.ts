// The configuration's documentation table, generated from the schema (docs/configuration.md is written from it and checked against it).
import { CONFIG_VARS, type ConfigVar, type Group, type VarSpec } from './schema';

/** Section titles, in the order the table lists them. */
export const GROUP_TITLES: Record<Group, string> = {
  target: 'Target',
  gateway: 'Gateway',
  kafka: 'Kafka',
  postgres: 'PostgreSQL (one URL per service database)',
  redis: 'Redis',
  hooks: 'Test hooks the target provides',
  probes: 'Probes',
  budgets: 'Budgets',
  verdict: 'Verdict',
  run: 'Run',
  history: 'History and report',
  browser: 'Browser',
  stack: 'Embedded stack and install',
  internal: 'Set by flowgate itself (leave unset)',
  compose: 'docker-compose.test.yml only (not read by the harness)',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One markdown table per section: variable, scope, required/secret marks, and its doc line. */
export function renderConfigTable(): string {
  const out: string[] = [];
  for (const [group, title] of Object.entries(GROUP_TITLES) as [Group, string][]) {
    const names = (Object.keys(CONFIG_VARS) as ConfigVar[]).filter((k) => CONFIG_VARS[k].group === group);
    if (!names.length) continue;
    out.push(`### ${title}`, '', '| Variable | Scope | Notes | What it is |', '|---|---|---|---|');
    for (const name of names) {
      const spec: VarSpec = CONFIG_VARS[name];
      const marks = [spec.required ? 'required' : '', spec.secret ? 'secret' : ''].filter(Boolean).join(', ');
      out.push(`| \`${name}\` | ${spec.scope} | ${marks} | ${cell(spec.doc)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
