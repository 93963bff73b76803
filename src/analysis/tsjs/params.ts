// TS/JS parameters with their literal defaults (`lam = 0.1`, `lam: number = 0.1`).
import type { Node } from 'web-tree-sitter';

export interface ScriptParam {
  name: string;
  node: Node;
  default?: number | string | boolean;
  defaultNode?: Node;
  variadic: boolean;
  /** A class field `this.x` a constructor parameter sets (`constructor(private strength = 1e-3)`): that parameter. */
  initParam?: string;
  /** Set from a constructor's options object as the file's `new` calls pass it (ctorOptions.ts): read outside the class. */
  fromOptions?: true;
}

export function scriptLiteral(node: Node): number | string | boolean | undefined {
  switch (node.type) {
    case 'number': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'unary_expression': {
      const arg = node.childForFieldName('argument');
      const v = arg ? scriptLiteral(arg) : undefined;
      const op = node.childForFieldName('operator')?.type;
      return typeof v === 'number' && (op === '-' || op === '+') ? (op === '-' ? -v : v) : undefined;
    }
    case 'string':
      return node.namedChildren.map((c) => (c?.type === 'string_fragment' ? c.text : '')).join('');
    case 'true':
      return true;
    case 'false':
      return false;
    case 'parenthesized_expression':
      return node.namedChild(0) ? scriptLiteral(node.namedChild(0) as Node) : undefined;
    default:
      return undefined;
  }
}

function param(nameNode: Node | null, value: Node | null, variadic = false): ScriptParam | undefined {
  if (!nameNode) return undefined;
  const p: ScriptParam = { name: nameNode.type === 'identifier' ? nameNode.text : nameNode.text.replace(/^\.\.\./, ''), node: nameNode, variadic };
  if (value) {
    p.defaultNode = value;
    const lit = scriptLiteral(value);
    if (lit !== undefined) p.default = lit;
  }
  return p;
}

/** The parameters of a function, arrow function or method (an arrow's single bare parameter included). */
export function readScriptParams(fn: Node): ScriptParam[] {
  const single = fn.childForFieldName('parameter');
  if (single) return [{ name: single.text, node: single, variadic: false }];
  const out: ScriptParam[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    let found: ScriptParam | undefined;
    if (p.type === 'identifier') found = param(p, null);
    else if (p.type === 'assignment_pattern') found = param(p.childForFieldName('left'), p.childForFieldName('right'));
    else if (p.type === 'required_parameter' || p.type === 'optional_parameter') {
      const pattern = p.childForFieldName('pattern');
      found = param(pattern, p.childForFieldName('value'), pattern?.type === 'rest_pattern');
    } else if (p.type === 'rest_pattern') found = param(p, null, true);
    else found = param(p, null, true); // destructured parameters: not a positional tensor
    if (found) out.push(found);
  }
  return out;
}

/**
 * A config object the class holds (`this.config = { beta: 0.5, latentSize: 4 }`): each numeric property is a
 * parameter `this.config.beta`, read wherever the loss writes `this.config.beta` or `this.config['beta']`
 * (expr.ts reads a string key on `this` as a property).
 */
export function configFields(owner: string, value: Node): ScriptParam[] {
  if (value.type !== 'object') return [];
  const out: ScriptParam[] = [];
  for (const pair of value.namedChildren) {
    const key = pair?.type === 'pair' ? pair.childForFieldName('key') : undefined;
    const v = pair?.childForFieldName('value');
    const k = key?.type === 'property_identifier' ? key.text : key?.type === 'string' ? scriptLiteral(key) : undefined;
    const lit = v ? scriptLiteral(v) : undefined;
    if (key && v && typeof k === 'string' && typeof lit === 'number') out.push({ name: `${owner}.${k}`, node: key, default: lit, defaultNode: v, variadic: false });
  }
  return out;
}
