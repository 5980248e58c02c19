// `npm run stack`: the embedded reference stack in the foreground; prints the target's variables, stops everything on Ctrl-C.
import { listFaultsText, UnknownFault } from '../stack/faults';
import { startStack, StartupError, type StackHandle } from '../stack';
import { scriptArgs } from './args';
import { readVar } from '../helpers/config/read';
import { ConfigError } from '../helpers/errors';
import { signalExit } from './exit-codes';

async function main(argv: string[]): Promise<number> {
  const { values } = scriptArgs(
    {
      usage: `usage: npm run stack [-- --plaintext] [-- --list-faults]
  Starts the embedded reference stack (Kafka, PostgreSQL, Redis, the services, the gateway) in the foreground and
  prints the target's variables (KEY=value lines for .env or the environment); Ctrl-C stops everything.
  By default everything speaks TLS (and Kafka SASL/SCRAM) with a CA made for the run, as staging does.
  --plaintext        no TLS, no SASL (debugging only: npm run smoke refuses it unless given --plaintext too, and
                     a run against it is NO-GO on criteria 4, 5, 6)
  --list-faults      list the faults STACK_FAULTS can inject, and exit
  STACK_FAULTS=a,b   faults to inject at start
  STACK_VERBOSE=1    print the services' logs on stderr
  npm run doctor says whether this machine has what the stack needs.
  Exit 130 after Ctrl-C (143 after SIGTERM) once everything is stopped, 1 when stopping failed, 2 when the stack
  could not start (what failed is named).`,
      options: { 'list-faults': { type: 'boolean' }, plaintext: { type: 'boolean' } },
    },
    argv,
  );
  if (values['list-faults']) {
    process.stdout.write(`${listFaultsText()}\n`);
    return 0;
  }

  const verbose = readVar(process.env, 'STACK_VERBOSE') ?? false;
  // progress and errors on stderr, so stdout carries only the KEY=value lines and the two # lines
  const log = (m: string) => {
    if (verbose || m.startsWith('stack:') || m.startsWith('kafka:') || m.startsWith('postgres:') || m.startsWith('redis:') || m.startsWith('tls:')) process.stderr.write(`${m}\n`);
  };

  const abort = new AbortController();
  let handle: StackHandle | undefined;
  let signalled: NodeJS.Signals | undefined;
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((r) => (done = r));

  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return; // a second Ctrl-C while stopping changes nothing: we are already cleaning up
    signalled = sig;
    process.stderr.write(`stack: ${sig}, stopping\n`);
    abort.abort();
    if (handle)
      handle.stop().then(
        () => done(signalExit(sig)),
        (e) => {
          process.stderr.write(`stack: ${e instanceof Error ? e.message : e}\n`);
          done(1);
        },
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    handle = await startStack({ faults: readVar(process.env, 'STACK_FAULTS'), log, signal: abort.signal, plaintext: values.plaintext === true });
  } catch (e) {
    if (signalled) return signalExit(signalled); // interrupted while starting: startStack already stopped what it had started
    if (e instanceof StartupError || e instanceof UnknownFault) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (signalled) {
    // the signal arrived just as the start completed
    await handle.stop();
    return signalExit(signalled);
  }

  // the env lines are the point of this command: these are the only place secrets are printed
  const lines = Object.entries(handle.env).map(([k, v]) => `${k}=${v}`);
  process.stderr.write(`stack: ${handle.transport === 'tls' ? 'TLS and SASL/SCRAM everywhere, as staging' : 'PLAINTEXT: debugging only; run it with npm run smoke -- --plaintext (refused without), NO-GO on criteria 4, 5, 6'}\n`);
  lines.push(`# ready in ${(handle.readyMs / 1000).toFixed(1)} s`, '# Ctrl-C stops the stack');
  process.stdout.write(`${lines.join('\n')}\n`);
  return finished;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // a bad STACK_* variable is named, not shown as a stack trace
    process.stderr.write(`stack: ${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : e}\n`);
    process.exit(2);
  },
);
