// The control port as a stack component (flowgate's own tests switch faults and stop components through it).
import { startControl, type StoppableComponent } from '../control';
import { StartupError, errText } from '../infra/errors';
import type { StackContext, StartedComponent } from './component';

export async function startControlComponent(ctx: StackContext, stopComponent: (c: StoppableComponent) => Promise<void>): Promise<StartedComponent & { url: string }> {
  const t0 = Date.now();
  try {
    const control = await startControl({ faults: ctx.faults, stopComponent, log: ctx.log });
    return { name: 'control', url: control.url, stop: () => control.close(), pids: () => [], ports: () => [control.port] };
  } catch (e) {
    throw new StartupError({ component: 'control', reason: errText(e), elapsedMs: Date.now() - t0, cause: e });
  }
}
