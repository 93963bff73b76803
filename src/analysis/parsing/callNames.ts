// The names written right before each `(` of a source text (`compile` in `model.compile (`), with their index:
// how the front ends find the few calls worth reading from the tree in a big file. A scan over `(` characters,
// not a regular expression, so it costs one pass however long the identifiers are.

/** 0-9 A-Z a-z _ $, and any non-ASCII code unit (identifiers like `λ` or `pérte`; surrogates of astral letters). */
const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || (c > 127 && !/[\s\u00a0]/.test(String.fromCharCode(c)));

export function* callNames(source: string): Generator<{ name: string; index: number }> {
  for (let open = source.indexOf('('); open >= 0; open = source.indexOf('(', open + 1)) {
    let end = open;
    while (end > 0 && (source.charCodeAt(end - 1) === 32 || source.charCodeAt(end - 1) === 9)) end--;
    let start = end;
    while (start > 0 && isWordChar(source.charCodeAt(start - 1))) start--;
    if (start < end && !(source.charCodeAt(start) >= 48 && source.charCodeAt(start) <= 57)) {
      yield { name: source.slice(start, end), index: start };
    }
  }
}
