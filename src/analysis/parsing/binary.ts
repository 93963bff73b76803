// Files that are not text are not parsed: an MPEG transport stream is a `.ts` file too, and binary input is where
// the grammars are slowest. Text decoded as UTF-8 (the CLI's readFileSync, the editor) turns each invalid byte
// sequence into U+FFFD; a few of those are a stray byte in a comment, more are a binary file.

/** Invalid UTF-8 sequences tolerated before a file counts as binary. */
const MAX_REPLACEMENTS = 8;
/** How much of a file is looked at: binary files show it at once. */
const SCANNED = 64 * 1024;

/** Why `text` is not source code ('NUL bytes', '40 invalid UTF-8 sequences'), or undefined when it is text. */
export function notTextReason(text: string): string | undefined {
  const head = text.length > SCANNED ? text.slice(0, SCANNED) : text;
  if (head.includes('\u0000')) return 'NUL bytes';
  let bad = 0;
  for (let i = head.indexOf('\uFFFD'); i >= 0; i = head.indexOf('\uFFFD', i + 1)) bad++;
  return bad > MAX_REPLACEMENTS ? `${bad}${head.length < text.length ? '+' : ''} invalid UTF-8 sequences` : undefined;
}
