// The width a layer the loss builds fixes for the tensor it runs on (issue 10 §2): `self._encoder =
// nn.Linear(obs_dim, h)` run on the loss's `x`, a projector `nn.Sequential(nn.Linear(feat_dim, p), …)` run on
// `features[:, 0, :]`. torch's Linear takes exactly `in_features` values on the last axis, so the trial's samples
// are as wide (a Keras Dense takes any width: it builds on its first input).
import { valueLookup } from '../../analysis/bound';
import type { Expr, LossModel } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';

type Call = Extract<Expr, { kind: 'call' }>;

const LINEAR = /^(torch\.)?nn\.Linear$/;
const SEQUENTIAL = /^(torch\.)?nn\.Sequential$/;

/** The loss's prediction or target, or a subscript of one (`features[:, 0, :]`). */
function readsSample(e: Expr | undefined): boolean {
  let at = e;
  while (at?.kind === 'subscript') at = at.object;
  return at?.kind === 'name' && (at.ref === 'yPred' || at.ref === 'yTrue');
}

/** The Linear a layer call starts with: itself, or a container's first item. */
function firstLinear(e: Call): Expr | undefined {
  if (LINEAR.test(e.callee)) return e.ctorArgs?.[0] ?? e.kwargs['in_features'];
  const first = SEQUENTIAL.test(e.callee) ? e.ctorArgs?.[0] : undefined;
  return first?.kind === 'call' && LINEAR.test(first.callee) ? (first.args[0] ?? first.kwargs['in_features']) : undefined;
}

export interface LayerInputWidth {
  width: number;
  /** The layer as written, for the header. */
  why: string;
}

/** The width the first loss-built Linear run on the prediction or target asks for, if any. */
export function layerInputWidth(loss: LossModel): LayerInputWidth | undefined {
  if (loss.framework !== 'pytorch') return undefined;
  const lookup = valueLookup(loss);
  const widthOf = (e: Expr): number | undefined => {
    if (e.kind === 'number') return e.value;
    const v = e.kind === 'name' ? lookup(e.name) : undefined;
    return typeof v === 'number' ? v : undefined;
  };
  const visit = (e: Expr): LayerInputWidth | undefined => {
    if (e.kind === 'call' && readsSample(e.args[0])) {
      const arg = firstLinear(e);
      const width = arg ? widthOf(arg) : undefined;
      if (width !== undefined && Number.isInteger(width) && width > 0) return { width, why: `\`${e.text}\` (nn.Linear(${width}, …), line ${e.range.startLine + 1})` };
    }
    for (const c of childrenOf(e)) {
      const found = visit(c);
      if (found) return found;
    }
    return undefined;
  };
  return visit(loss.body) ?? loss.terms.map((t) => visit(t.expr)).find(Boolean);
}
