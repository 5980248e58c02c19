// The started components of one stack in layers: stopped last-started-first (each stop bounded), crashed on purpose once each through the control port.
import { errText } from './infra/errors';
import { forgetDir } from './infra/reaper';
import { rmSync } from 'node:fs';
import { bounded, type StartedComponent } from './components/component';
import { COMPONENTS, isStoppable, PROCESS_COMPONENTS, type ComponentName, type StoppableComponent } from './components/registry';

/** Started components in layers: a layer started together stops together, layers stop in reverse order. */
export class Composition {
  readonly layers: StartedComponent[][] = [];
  /** the components crashed on purpose (the control port): their stop is that crash */
  private readonly crashed = new Map<ComponentName, Promise<void>>();
  private stopping?: Promise<void>;

  constructor(private readonly log: (m: string) => void) {}

  add(...layer: StartedComponent[]): void {
    this.layers.push(layer);
  }

  find(name: ComponentName): StartedComponent | undefined {
    return this.all().find((c) => c.name === name);
  }

  all(): StartedComponent[] {
    return this.layers.flat();
  }

  crashedOnPurpose(name: ComponentName): boolean {
    return this.crashed.has(name);
  }

  /** The control port's outage on purpose: the component is crashed (killed, or the gateway closed) once. */
  crash(name: StoppableComponent): Promise<void> {
    if (!isStoppable(name)) return Promise.reject(new Error(`unknown component ${String(name)}`));
    let p = this.crashed.get(name);
    if (!p) {
      const c = this.find(name);
      p = (c?.crash ?? c?.stop)?.call(c).then(() => this.log(`stack: ${name} stopped`)) ?? Promise.resolve();
      this.crashed.set(name, p);
    }
    return p;
  }

  /** Every layer, last started first, then the temp dir; idempotent; throws only when something was left behind. */
  stop(tmpDir: string, exitHook: () => void): Promise<void> {
    return (this.stopping ??= (async () => {
      const problems = await this.stopLayers();
      const leftover = this.all().filter((c) => c.killNow && c.pids().some(isAlive)).map((c) => `${c.name} (pid ${c.pids().join(',')})`);
      if (leftover.length) problems.push(`still running: ${leftover.join(', ')}`);
      if (problems.length) this.log(`stack: stop: ${problems.join('; ')}`);
      try {
        rmSync(tmpDir, { recursive: true, force: true });
      } catch (e) {
        problems.push(`removing ${tmpDir}: ${errText(e)}`);
      }
      process.off('exit', exitHook);
      forgetDir(tmpDir);
      // only what leaves something behind fails stop(): a process still running, the temp dir, a process's stop
      const processStop = new RegExp(`^stopping (${PROCESS_COMPONENTS.join('|')})`);
      const fatal = problems.filter((p) => p.startsWith('still running') || p.startsWith('removing') || processStop.test(p));
      if (fatal.length) throw new Error(`stack stop left things behind: ${fatal.join('; ')}`);
    })());
  }

  private async stopLayers(): Promise<string[]> {
    const problems: string[] = [];
    for (const layer of [...this.layers].reverse())
      await Promise.all(
        layer.map((c) =>
          bounded(`stopping ${c.name}`, COMPONENTS[c.name].stopBoundMs, () => this.crashed.get(c.name) ?? c.stop().then(() => this.log(`stack: ${c.name} stopped`))).catch((e) => void problems.push(errText(e))),
        ),
      );
    return problems;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
