// A literal string inside a regular expression: every character that means something to RegExp escaped.

/** `s` as a pattern that matches exactly `s`. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
