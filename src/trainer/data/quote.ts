// What a dataset error quotes from the file: cut to about 80 characters, control characters escaped, so a crafted
// or broken file (a 1 MB header line, a nested JSON value, escape sequences) cannot flood or forge the message.

export const QUOTE_MAX = 80;

/** `text` as shown in a message: control characters escaped, at most `max` characters (an ellipsis when cut). */
export function quote(text: string, max = QUOTE_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON value as shown in a message (quote of its JSON text). */
export function quoteValue(v: unknown, max = QUOTE_MAX): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return quote(text, max);
}

/** Column names as a list: the first few, then how many more. */
export function quoteList(names: readonly string[], shown = 8): string {
  const head = names.slice(0, shown).map((n) => quote(n, 40));
  return names.length > shown ? `${head.join(', ')}, … (${names.length} columns)` : head.join(', ');
}
