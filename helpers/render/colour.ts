// Colour for the console through node:util styleText: GO green, NO-GO red, could-not-evaluate yellow; none when the stream is not a terminal or NO_COLOR says so.
import { styleText } from 'node:util';

/** What a piece of text says, which decides its colour. */
export type Tone = 'go' | 'no-go' | 'unknown' | 'dim' | 'bold';

const STYLE: Record<Tone, Parameters<typeof styleText>[0]> = { go: 'green', 'no-go': 'red', unknown: 'yellow', dim: 'dim', bold: 'bold' };

/** Paints text in a tone; the identity when colour is off. */
export type Paint = (tone: Tone, text: string) => string;

export const plain: Paint = (_tone, text) => text;

/**
 * A painter for one output stream: styleText decides from the stream (a terminal or not) and the environment
 * (NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR), so CI logs and pipes get no escape codes.
 */
export function painter(stream: NodeJS.WriteStream = process.stdout): Paint {
  return (tone, text) => (text ? styleText(STYLE[tone], text, { stream }) : text);
}

/** The tone of a verdict, a criterion's status, a flow's or a test's outcome. */
export function toneOf(status: string): Tone {
  if (/^(GO|pass|passed|signed-off|remediated|expected)$/.test(status)) return 'go';
  if (/^(NO-GO|fail|failed|timedOut|flaky|unexpected|interrupted)$/.test(status)) return 'no-go';
  return 'unknown';
}
