// A loss that reads a named part of its model (issue 10 §2): `model.lora_A.abs().sum()`, `model.fc1.weight`,
// `torch.norm(self.model.classifier.weight, 1)`, `model[0].weight.norm(2)`, `model.encoder.bias`,
// `sum(p.pow(2).sum() for p in model.head.parameters())`. The trial model has other layers than the user's, so each
// named member gets one of its layers: members in the order the loss first reads them take the trial's layers in
// order (the first one its first layer…), and a member named as the output layer (`classifier`, `head`, `fc_out`,
// `model[-1]`) takes its last layer. `.weight`/`.kernel` reads that layer's weight, `.bias` its bias, the member
// alone a parameter tensor (`model.lora_A`, its weight) or, where the loss reads its parameters, the layer.
import type { Expr } from '../../analysis/ir';

/** What a read of a member gives: its layer's weight, its bias, the layer (weight and bias), or a parameter (the weight). */
export type MemberPart = 'weight' | 'bias' | 'module' | 'parameter';

export interface MemberRead {
  /** The chain as the interpreter looks it up: `model.fc1.weight`, `model[0].weight`, `self.model.head`. */
  key: string;
  /** The model it is read from: `model`, `self.model`. */
  root: string;
  /** The member, without the part: `fc1`, `[0]`, `lora_A` ('' for `layer.weight` on the root itself). */
  member: string;
  part: MemberPart;
  /** The plain name the chain starts from (`model`, or `self` for `self.model.fc.weight`). */
  base: Extract<Expr, { kind: 'name' }>;
}

const PARTS: Readonly<Record<string, MemberPart>> = { weight: 'weight', kernel: 'weight', bias: 'bias' };

/** Members named as the output layer: they take the trial model's last layer. */
const OUTPUT_MEMBER = /(^|\.)(classifier|head|out|output|fc_?out|out_?proj|final|last|logits|predictor|decoder|\[-1\])$/i;

/** The chain of attribute names and integer subscripts down to a plain name, or undefined. */
function chainOf(e: Expr): { base: Extract<Expr, { kind: 'name' }>; steps: string[] } | undefined {
  const steps: string[] = [];
  let at: Expr = e;
  for (;;) {
    if (at.kind === 'attr') {
      steps.unshift(`.${at.name}`);
      at = at.object;
    } else if (at.kind === 'subscript' && at.index.length === 1 && at.index[0]?.kind === 'index' && isInteger(at.index[0].value)) {
      steps.unshift(`[${integerOf(at.index[0].value)}]`);
      at = at.object;
    } else break;
  }
  return at.kind === 'name' && steps.length > 0 ? { base: at, steps } : undefined;
}

const isInteger = (e: Expr): boolean => integerOf(e) !== undefined;
function integerOf(e: Expr): number | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value)) return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number' && Number.isInteger(e.operand.value)) return -e.operand.value;
  return undefined;
}

/** The key of an attribute or subscript chain over a plain name (`model[0].weight`), as memberReads keys them. */
export function chainKey(e: Expr): string | undefined {
  const chain = chainOf(e);
  return chain ? chain.base.name + chain.steps.join('') : undefined;
}

/**
 * The member reads among `nodes` (every node of the loss, parents before children) whose model is one of `roots`
 * (a name, or `self.model`): the outermost chain of each read, and whether the loss reads a member's parameters
 * (`model.head.parameters()`), which makes that member a layer.
 */
export function memberReads(nodes: readonly Expr[], isRoot: (root: string, base: Extract<Expr, { kind: 'name' }>) => boolean, readers: ReadonlySet<string>): MemberRead[] {
  const inner = new Set<Expr>();
  const layers = new Set<Expr>();
  const out: MemberRead[] = [];
  for (const e of nodes) {
    if (e.kind === 'method' && readers.has(e.method)) layers.add(e.object);
    if (inner.has(e) || (e.kind !== 'attr' && e.kind !== 'subscript')) continue;
    const chain = chainOf(e);
    // `model.fc.weight[0]`, `model.fc.weight.data`: the member read is `model.fc.weight`, read further as a tensor
    const partAt = chain ? chain.steps.findIndex((s) => s.startsWith('.') && PARTS[s.slice(1)] !== undefined) : -1;
    if (!chain || (partAt >= 0 && partAt < chain.steps.length - 1)) continue;
    for (let n: Expr = e; n.kind === 'attr' || n.kind === 'subscript'; n = n.object) inner.add(n);
    const read = readOf(chain.base, chain.steps, layers.has(e), isRoot);
    if (read) out.push(read);
  }
  return out;
}

function readOf(base: Extract<Expr, { kind: 'name' }>, steps: string[], isLayer: boolean, isRoot: (root: string, base: Extract<Expr, { kind: 'name' }>) => boolean): MemberRead | undefined {
  // `self.model.fc.weight`: the model is the attribute `self.model`
  const selfRoot = base.name === 'self' && steps[0]?.startsWith('.') ? `self${steps[0]}` : undefined;
  const root = selfRoot && isRoot(selfRoot, base) ? selfRoot : base.name;
  const rest = root === base.name ? steps : steps.slice(1);
  if (rest.length === 0 || !isRoot(root, base)) return undefined;
  const last = rest.at(-1)!.slice(1);
  const part: MemberPart | undefined = rest.at(-1)!.startsWith('.') ? PARTS[last] : undefined;
  const memberSteps = part ? rest.slice(0, -1) : rest;
  return {
    key: root + rest.join(''),
    root,
    member: memberSteps.join('').replace(/^\./, ''),
    part: part ?? (isLayer ? 'module' : 'parameter'),
    base,
  };
}

/**
 * The trial layer each member takes: members in order of first read take layers 0, 1, …; one named as the output
 * layer takes the last (`'last'`). The slot is taken modulo the trial's layer count when the loss is run.
 */
export function memberSlots(reads: readonly MemberRead[]): Map<string, number | 'last'> {
  const slots = new Map<string, number | 'last'>();
  let next = 0;
  for (const r of reads) {
    const id = `${r.root}\u0000${r.member}`;
    if (slots.has(id)) continue;
    slots.set(id, OUTPUT_MEMBER.test(r.member) ? 'last' : next++);
  }
  return slots;
}

export const slotId = (r: MemberRead): string => `${r.root}\u0000${r.member}`;

/** A slot as an index into `layerCount` layers. */
export const layerIndex = (slot: number | 'last', layerCount: number): number => (slot === 'last' ? layerCount - 1 : slot % layerCount);
