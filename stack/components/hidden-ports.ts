// The conventional ports the transport checks try on the stack's hosts (FLOWGATE_CONVENTIONAL_PORTS), and the faults that open a plaintext hole on one of them.
import { openPlainFront, type PlainFront } from '../infra/plain-front';
import { freePortBelowEphemeral } from '../infra/ports';
import { StartupError, errText } from '../infra/errors';
import type { FaultName, Faults } from '../faults';
import type { StackContext, StartedComponent } from './component';

/**
 * The embedded stack cannot bind Kong's 80/8000/8001/8444, Kafka's 9092 or Redis' 6379 on a shared machine, so it
 * reserves a free loopback port for each role and tells the harness (FLOWGATE_CONVENTIONAL_PORTS) to try those instead.
 * Each fault opens a plaintext relay to the TLS service on its role's port; nothing in the service's own configuration
 * or metadata shows it: Kafka's metadata and describeConfigs, Redis' CONFIG GET port and FLOWGATE_PUBLIC_ENDPOINTS do not name it.
 */
export const HIDDEN_PORT_FAULTS = {
  'tls-gateway-conventional-plain-port': 'http',
  'tls-gateway-admin-port': 'admin',
  'tls-kafka-unadvertised-plaintext': 'kafka',
  'tls-redis-unrevealed-plaintext-port': 'redis',
} as const satisfies Partial<Record<FaultName, string>>;

type Role = (typeof HIDDEN_PORT_FAULTS)[keyof typeof HIDDEN_PORT_FAULTS];

/** FLOWGATE_CONVENTIONAL_PORTS for the reserved ports; pure, so unit-tested. */
export function conventionalPortsValue(ports: Record<Role, number>): string {
  return (['http', 'admin', 'kafka', 'redis'] as const).map((r) => `${r}=${ports[r]}`).join(',');
}

export async function startHiddenPortsComponent(ctx: StackContext & { certs: { ca: string } }, targets: Record<Role, number>): Promise<StartedComponent & { value: string; reserved: Record<Role, number> }> {
  const t0 = Date.now();
  // Below the ephemeral range: closed while their faults are off, they must not be taken by a listen(0) meanwhile
  // (another stack's service on a reserved number read as this gateway serving plain HTTP, and failed CI once).
  const reserved = { http: await freePortBelowEphemeral(), admin: await freePortBelowEphemeral(), kafka: await freePortBelowEphemeral(), redis: await freePortBelowEphemeral() };
  const open = new Map<Role, PlainFront>();
  const apply = async (f: Pick<Faults, 'on'>) => {
    for (const [fault, role] of Object.entries(HIDDEN_PORT_FAULTS) as [FaultName, Role][]) {
      const want = f.on(fault);
      const front = open.get(role);
      if (want && !front) {
        open.set(role, await openPlainFront(reserved[role], targets[role], ctx.certs.ca));
        ctx.log(`stack: ${fault}: plaintext relay on 127.0.0.1:${reserved[role]} → TLS 127.0.0.1:${targets[role]}`);
      } else if (!want && front) {
        open.delete(role);
        await front.close();
      }
    }
  };
  try {
    await apply(ctx.faults);
  } catch (e) {
    throw new StartupError({ component: 'hidden-ports', reason: `the conventional ports' faults: ${errText(e)}`, elapsedMs: Date.now() - t0, cause: e });
  }
  ctx.faults.onChange(apply);
  const stop = async () => {
    await Promise.all([...open.values()].map((f) => f.close()));
    open.clear();
  };
  return { name: 'hidden-ports', value: conventionalPortsValue(reserved), reserved, stop, pids: () => [], ports: () => [...open.values()].map((f) => f.port) };
}
