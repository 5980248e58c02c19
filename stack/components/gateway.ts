// The gateway as a stack component: HTTPS with the run's certificate (plus a redirect-only plain port), ready once every service answers its health route through it.
import { Agent, request } from 'undici';
import { startGateway, type Gateway, type GatewayCertificate } from '../gateway/gateway';
import { StartupError, errText } from '../infra/errors';
import { waitUntil } from '../infra/process';
import type { Faults } from '../faults';
import type { StackContext, StartedComponent } from './component';

export interface StartedGateway extends StartedComponent {
  url: string;
  port: number;
  plainPort?: number;
}

/** The certificate the faults ask the gateway to present; pure, so unit-tested. */
export function gatewayCertificateFor(f: Pick<Faults, 'on'>, certs: { valid: GatewayCertificate; wrongHost: GatewayCertificate; expired: GatewayCertificate }): GatewayCertificate {
  if (f.on('tls-gateway-wrong-host-cert')) return certs.wrongHost;
  if (f.on('tls-gateway-expired-cert')) return certs.expired;
  return certs.valid;
}

export async function startGatewayComponent(ctx: StackContext, o: { kongFile: string; upstreams: Record<string, string>; faultRoutes?: () => { prefix: string; service: string }[] }): Promise<StartedGateway> {
  const tg = Date.now();
  const certs = ctx.certs;
  const valid = certs ? { key: certs.server.gateway.key, cert: certs.server.gateway.cert } : undefined;
  let gateway: Gateway;
  try {
    gateway = await startGateway({ kongFile: o.kongFile, upstreams: o.upstreams, ...(o.faultRoutes ? { faultRoutes: o.faultRoutes } : {}), ...(valid ? { tls: valid } : {}) });
  } catch (e) {
    throw new StartupError({ component: 'gateway', reason: `${errText(e)} (kong file ${o.kongFile})`, elapsedMs: Date.now() - tg, cause: e });
  }
  if (certs && valid) {
    const fc = await certs.faultCerts.catch(async (e) => {
      await gateway.close();
      throw new StartupError({ component: 'gateway', reason: `the fault certificates: ${errText(e)}`, elapsedMs: Date.now() - tg, cause: e });
    });
    const choices = { valid, wrongHost: { key: fc.wrongHost.key, cert: fc.wrongHost.cert }, expired: { key: fc.expired.key, cert: fc.expired.cert } };
    ctx.faults.onChange(async (f) => {
      gateway.useCertificate(gatewayCertificateFor(f, choices));
      gateway.setPlainServesContent(f.on('tls-gateway-plain-http'));
    });
  }
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= gateway.close());
  const handle: StartedGateway = { name: 'gateway', url: gateway.url, port: gateway.port, ...(gateway.plainPort ? { plainPort: gateway.plainPort } : {}), stop: close, crash: close, pids: () => [], ports: () => [gateway.port, ...(gateway.plainPort ? [gateway.plainPort] : [])] };
  try {
    await waitForHealth(ctx, gateway.url, tg);
  } catch (e) {
    await close();
    throw e;
  }
  return handle;
}

async function waitForHealth(ctx: StackContext, url: string, startedAt: number): Promise<void> {
  const healthPaths = ctx.contracts.services.filter((s) => ctx.modules.some((m) => m.name === s.name)).map((s) => s.health);
  // the stack's own check trusts exactly the run's CA, as a staging client given KONG_CA_FILE does
  const dispatcher = new Agent({ connect: ctx.certs ? { ca: ctx.certs.ca } : {} });
  try {
    await waitUntil({
      what: `every service's health endpoint to answer 200 through the gateway at ${url}`,
      component: 'gateway',
      timeoutMs: 15_000,
      startedAt,
      check: async () => {
        const bad: string[] = [];
        await Promise.all(
          healthPaths.map(async (h) => {
            try {
              const res = await request(url + h, { dispatcher });
              await res.body.dump();
              if (res.statusCode !== 200) bad.push(`${h} → ${res.statusCode}`);
            } catch (e) {
              bad.push(`${h} → error ${errText(e)}`);
            }
          }),
        );
        if (bad.length) throw new Error(bad.join(', '));
        return true;
      },
    });
  } finally {
    await dispatcher.close().catch(() => {});
  }
}
