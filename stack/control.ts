// The stack's control port, for flowgate's own tests only (never behind the gateway): switch faults at run time and stop infrastructure to break it on purpose.
import Fastify from 'fastify';
import { FAULTS, StartOnlyFault, UnknownFault, type Faults } from './faults';
import { STOPPABLE_COMPONENTS, isStoppable, type StoppableComponent } from './components/registry';

export { STOPPABLE_COMPONENTS, type StoppableComponent } from './components/registry';

export interface ControlOptions {
  faults: Faults;
  stopComponent(c: StoppableComponent): Promise<void>;
  port?: number;
  log?: (m: string) => void;
}

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startControl(opts: ControlOptions): Promise<ControlServer> {
  const log = opts.log ?? (() => {});
  // forceCloseConnections: stopping the stack must not wait for a test's keep-alive socket
  const app = Fastify({ logger: false, forceCloseConnections: true });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/faults', async () => ({ active: opts.faults.list(), available: FAULTS }));

  app.put('/faults', async (req, reply) => {
    const body = req.body as { faults?: unknown } | undefined;
    const list = body?.faults;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      return reply.code(400).send({ error: 'bad_request', message: 'body must be { "faults": string[] }' });
    }
    try {
      await opts.faults.apply(list as string[]);
    } catch (e) {
      // the switchboard is unchanged when one name is unknown: apply() parses before it replaces
      if (e instanceof UnknownFault) return reply.code(400).send({ error: 'unknown_fault', message: e.message });
      if (e instanceof StartOnlyFault) return reply.code(400).send({ error: 'start_only_fault', message: e.message });
      throw e;
    }
    log(`control: faults now [${opts.faults.list().join(', ')}]`);
    return { active: opts.faults.list() };
  });

  app.delete('/faults', async () => {
    await opts.faults.apply([]);
    log('control: faults cleared');
    return { active: [] };
  });

  app.post('/components/:name/stop', async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!isStoppable(name)) {
      return reply.code(400).send({ error: 'unknown_component', message: `"${name}" is not one of ${STOPPABLE_COMPONENTS.join(', ')}` });
    }
    log(`control: stopping ${name} on request`);
    await opts.stopComponent(name);
    return { stopped: name };
  });

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}
