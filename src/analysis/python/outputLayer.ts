// Whether a layer given an `activity_regularizer=` is the model's output layer (ir.ts Regularizes.output), read from
// the text around the argument the way the file builds its model:
//   functional   `out = layers.Dense(2, activity_regularizer=R())(h)` then `keras.Model(inp, out)` /
//                `Model(inputs=inp, outputs=out)`: the output when the model's outputs are that variable;
//   Sequential   `Sequential([..., Dense(2, activity_regularizer=R())])`: the output when it is the list's last
//                layer and that Sequential is not itself followed by another model in a list (`Sequential([encoder,
//                decoder])` makes the encoder's last layer a hidden one);
//   add          `model.add(Dense(2, activity_regularizer=R()))`: the output when no later `model.add(` follows.
// Anything else (a layer held by a subclassed model) is not known to be the output: the trainer then passes the
// hidden activations, and says so.

/** The index of the `(` opening the call the argument at `at` is in, if any (balanced brackets). */
function openingParen(source: string, at: number): number | undefined {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = source[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return c === '(' ? i : undefined;
      depth--;
    }
  }
  return undefined;
}

/** The index just past the bracket that closes the one at `open`. */
function closing(source: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What follows a position, past blanks, commas and comments. */
const nextToken = (source: string, from: number): string => source.slice(from).replace(/^(?:[\s,]|#[^\n]*)*/, '').charAt(0);

function functionalOutput(source: string, callStart: number): boolean {
  const lineStart = source.lastIndexOf('\n', callStart) + 1;
  const variable = /^\s*([\p{L}_][\p{L}\p{N}_]*)\s*=\s*$/u.exec(source.slice(lineStart, callStart))?.[1];
  if (!variable) return false;
  const v = escapeRegExp(variable);
  const asOutputs = new RegExp(`\\boutputs\\s*=\\s*\\[?\\s*${v}\\b|\\bModel\\s*\\(\\s*(?:inputs\\s*=\\s*)?[^,()]+(?:\\([^()]*\\))?\\s*,\\s*\\[?\\s*${v}\\s*[,)\\]]`, 'u');
  return asOutputs.test(source);
}

function sequentialOutput(source: string, callStart: number, callEnd: number): boolean {
  if (nextToken(source, callEnd) !== ']') return false;
  const owners = [...source.slice(0, callStart).matchAll(/([\p{L}_][\p{L}\p{N}_]*)\s*=\s*[\p{L}_.]*Sequential\s*\(/gu)];
  const owner = owners.at(-1)?.[1];
  // the owner in another model's list, before another item: its last layer is a hidden one there
  return !owner || !new RegExp(`\\[[^\\]]*\\b${escapeRegExp(owner)}\\s*,`, 'u').test(source.slice(callEnd));
}

/** Whether the layer whose argument list holds the `activity_regularizer=` at `argIndex` is the model's output layer. */
export function isOutputLayer(source: string, argIndex: number): boolean {
  const open = openingParen(source, argIndex);
  if (open === undefined) return false;
  const end = closing(source, open);
  const callee = /[\p{L}_][\p{L}\p{N}_.]*\s*$/u.exec(source.slice(Math.max(0, open - 200), open));
  if (end === undefined || !callee) return false;
  const callStart = open - callee[0].length;
  if (nextToken(source, end) === '(') return functionalOutput(source, callStart);
  const added = /([\p{L}_][\p{L}\p{N}_.]*)\.add\s*\(\s*$/u.exec(source.slice(Math.max(0, callStart - 200), callStart))?.[1];
  if (added) return !new RegExp(`\\b${escapeRegExp(added)}\\.add\\s*\\(`, 'u').test(source.slice(end));
  return sequentialOutput(source, callStart, end);
}
