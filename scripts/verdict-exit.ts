// The process exit code of a run from the verdict it wrote: 0 GO, 1 NO-GO, 2 could not evaluate (no or unreadable verdict).
import { outputsIn } from '../helpers/config/paths';
import { readVerdictFile, VerdictFileError } from '../helpers/config/verdict-file';

export function exitFromVerdict(reportsDir: string, runnerExit: number | null, what: string): number {
  const verdict = readVerdictFile(outputsIn(reportsDir).verdictJson);
  if (verdict instanceof VerdictFileError) {
    console.error(verdict.reason === 'missing' ? `flowgate: ${what} wrote no verdict (exit ${runnerExit}); could not evaluate.` : `flowgate: ${verdict.message}; could not evaluate.`);
    return 2;
  }
  const exit = typeof verdict.exitCode === 'number' ? verdict.exitCode : verdict.verdict === 'GO' ? 0 : 1;
  // A GO that the runner itself disagrees with (a crash after the verdict) is not trusted.
  if (exit === 0 && runnerExit !== 0) {
    console.error(`flowgate: verdict GO but ${what} exited ${runnerExit}; reporting NO-GO.`);
    return 1;
  }
  return exit;
}

/**
 * `--release`: 0 only when the verdict is GO, the release is ready and the target is not the embedded stack (the model
 * the harness tests itself on decides no release); otherwise 1 naming what is missing (2 stays 2).
 */
export function releaseExit(reportsDir: string, verdictExit: number): number {
  if (verdictExit !== 0) return verdictExit;
  const v = readVerdictFile(outputsIn(reportsDir).verdictJson);
  if (v instanceof VerdictFileError) {
    console.error(`flowgate: --release: ${v.message}; could not evaluate (exit 2)`);
    return 2;
  }
  // The kind decided before the run, or the name the embedded stack gives itself when a run reaches it through its variables.
  const target = v.target ?? {};
  if (target.kind === 'embedded' || target.name === 'embedded') {
    console.error(`flowgate: --release: the target is the embedded reference stack (${target.kind === target.name || !target.name ? target.kind : `${target.kind ?? 'unknown'} named ${target.name}`}): a release is not decided on the model; run --release against staging (exit 1)`);
    return 1;
  }
  if (v.release === 'ready') {
    console.log('flowgate: release ready: GO, and every criterion passed or is signed off');
    return 0;
  }
  const missing: number[] = Array.isArray(v.awaitingSignOff) ? v.awaitingSignOff : [];
  console.error(`flowgate: --release: GO, but the release is not ready: missing sign-off${missing.length === 1 ? '' : 's'} for criteri${missing.length === 1 ? 'on' : 'a'} ${missing.join(', ') || '(none listed)'} (add them to the file FLOWGATE_SIGNOFFS names)`);
  return 1;
}
