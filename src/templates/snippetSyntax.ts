// A small reader for the VS Code snippet syntax the catalog is written in: `$1`, `${1}`, `${1:default}` (nested),
// `${1|a,b|}` choices, `$0`, and the escapes `\$`, `\}`, `\\`. It renders a body with every placeholder replaced by
// its default ("what the user gets after pressing Tab through") and lists the placeholders, so tests and the
// picker never need VS Code.

export interface Placeholder {
  /** The tab stop number (0 is the final cursor). */
  index: number;
  /** The default text as rendered (nested placeholders rendered too); the first option of a choice. */
  text: string;
  /** Offset of the placeholder's default text in the rendered output. */
  offset: number;
}

export interface RenderedSnippet {
  text: string;
  placeholders: Placeholder[];
}

class SnippetSyntaxError extends Error {}

/** Renders `body` with placeholder defaults; throws SnippetSyntaxError on an unterminated placeholder. */
export function renderSnippet(body: string): RenderedSnippet {
  const placeholders: Placeholder[] = [];
  let pos = 0;
  let out = '';

  // Reads text until `stop` (a `}` closing the current placeholder) or the end, handling escapes and nesting.
  const readText = (inPlaceholder: boolean): void => {
    while (pos < body.length) {
      const ch = body[pos];
      if (ch === '\\' && pos + 1 < body.length && '$}\\'.includes(body[pos + 1])) {
        out += body[pos + 1];
        pos += 2;
      } else if (ch === '}' && inPlaceholder) {
        return;
      } else if (ch === '$' && readPlaceholder()) {
        // consumed
      } else {
        out += ch;
        pos += 1;
      }
    }
    if (inPlaceholder) throw new SnippetSyntaxError(`unterminated placeholder at offset ${pos}`);
  };

  // At a `$`: reads `$n`, `${n}`, `${n:…}` or `${n|…|}`; returns false (leaving `$` as text) for anything else.
  const readPlaceholder = (): boolean => {
    const simple = /^\$(\d+)/.exec(body.slice(pos));
    if (simple) {
      placeholders.push({ index: Number(simple[1]), text: '', offset: out.length });
      pos += simple[0].length;
      return true;
    }
    const open = /^\$\{(\d+)([:|}])/.exec(body.slice(pos));
    if (!open) return false;
    const index = Number(open[1]);
    pos += open[0].length;
    const start = out.length;
    if (open[2] === '}') {
      placeholders.push({ index, text: '', offset: start });
    } else if (open[2] === ':') {
      const slot = placeholders.length;
      placeholders.push({ index, text: '', offset: start });
      readText(true);
      pos += 1; // the closing `}`
      placeholders[slot].text = out.slice(start);
    } else {
      const end = body.indexOf('|}', pos);
      if (end < 0) throw new SnippetSyntaxError(`unterminated choice at offset ${pos}`);
      const first = body.slice(pos, end).split(/(?<!\\),/)[0].replace(/\\([,|\\])/g, '$1');
      out += first;
      placeholders.push({ index, text: first, offset: start });
      pos = end + 2;
    }
    return true;
  };

  readText(false);
  return { text: out, placeholders };
}

/** The plain text a snippet inserts when every placeholder keeps its default. */
export function defaultText(body: string): string {
  return renderSnippet(body).text;
}
