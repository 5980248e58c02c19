// CPU seconds of processes, read from what Linux and bash report: a process tree's /proc stat lines, and bash's `times`.

/** user + system seconds a /proc/<pid>/stat line reports for the process and its reaped children. */
export function statCpuSeconds(stat: string, ticksPerSecond = 100): { pid: number; ppid: number; seconds: number } | undefined {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: the fields after it follow the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(stat.slice(0, stat.indexOf(' ')));
  const rest = stat.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const field = (n: number) => Number(rest[n - 3]);
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return undefined;
  return { pid, ppid: field(4), seconds: ticks / ticksPerSecond };
}

/** The CPU seconds of every live process under `root` (its descendants, not itself), from their stat lines. */
export function treeCpuSeconds(root: number, stats: string[], ticksPerSecond = 100, exclude: number[] = []): number {
  const all = stats.map((s) => statCpuSeconds(s, ticksPerSecond)).filter((s): s is NonNullable<typeof s> => !!s);
  const children = new Map<number, typeof all>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = 0;
  const stack = [...(children.get(root) ?? [])].filter((s) => !exclude.includes(s.pid));
  while (stack.length) {
    const s = stack.pop()!;
    total += s.seconds;
    stack.push(...(children.get(s.pid) ?? []).filter((c) => !exclude.includes(c.pid)));
  }
  return total;
}

/** bash's `times` output: its own user/system time, then its children's; returns the children's in seconds. */
export function parseBashTimes(text: string): number | undefined {
  const lines = text.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec((lines[1] ?? '').trim());
  if (!m) return undefined;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}
