// The exit codes of flowgate's commands, one meaning each, and the line every --help prints about them.

export const EXIT = {
  /** GO (or, for commands without a verdict, success) */
  GO: 0,
  /** NO-GO (or the command's own failure, named in its --help) */
  NO_GO: 1,
  /** could not evaluate: the target is unreachable, refused or misconfigured, or no verdict was written */
  NOT_EVALUATED: 2,
  /** usage error (EX_USAGE): an unknown flag or a bad value; nothing was touched */
  USAGE: 64,
  /** interrupted by Ctrl-C (SIGINT): children and the stack are stopped first */
  SIGINT: 130,
  /** terminated (SIGTERM): children and the stack are stopped first */
  SIGTERM: 143,
} as const;

/** The exit status of a process ended by a signal, as a shell reports it (128 + the signal's number). */
export function signalExit(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
}

/** Appended to every command's --help, after the command's own meaning of 0, 1 and 2. */
export const COMMON_EXITS = `exit ${EXIT.USAGE}: usage error (unknown flag or bad value; nothing was touched); ${EXIT.SIGINT}: interrupted (Ctrl-C); ${EXIT.SIGTERM}: terminated (SIGTERM)`;
