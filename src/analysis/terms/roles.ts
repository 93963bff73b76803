// Which arguments of a loss are the target, the prediction and the other tensors: from their names (tables), else
// from the framework's argument order (a table too): Keras and TF.js call `loss(y_true, y_pred)`, PyTorch code
// writes `loss(pred, target)` like its own `F.mse_loss(input, target)`.
import type { Framework } from '../ir';

type Role = 'yTrue' | 'yPred';

/** Names that say "target" / "prediction", compared in snake_case lower case. */
const roleNames: Readonly<Record<Role, ReadonlySet<string>>> = {
  yTrue: new Set([
    'y_true', 'ytrue', 'y', 'true', 'target', 'targets', 'label', 'labels', 'gt', 'ground_truth', 'y_target', 'truth',
    'expected', 'actual', 'y_actual', 'ys', 'y_batch', 'target_batch', 'y_gt', 'tgt', 'true_labels', 'y_real',
    'clean', 'sharp', 'reference', 'hr', 'gt_image', 'yb', 'y_b', 'batch_y', 'batch_labels', 'batch_targets', 'label_batch',
  ]),
  yPred: new Set([
    'y_pred', 'ypred', 'pred', 'preds', 'prediction', 'predictions', 'output', 'outputs', 'out', 'logits', 'y_hat',
    'yhat', 'probs', 'probabilities', 'scores', 'input', 'inputs', 'predicted', 'y_predicted', 'estimate',
    'output_batch', 'pred_batch', 'y_out', 'net_out', 'model_output', 'log_probs', 'logprobs', 'log_prob',
    'restored', 'denoised', 'enhanced', 'generated', 'fake',
  ]),
};

/**
 * A reconstruction loss names its pair differently: `loss(recon_x, x, mu, logvar)`, `loss(self, x, recon, …)`.
 * When an argument is named like a reconstruction, it is the prediction and the input it rebuilds is the target.
 */
const reconstruction = {
  yPred: new Set(['recon', 'recon_x', 'x_recon', 'x_hat', 'xhat', 'reconstruction', 'reconstructed', 'decoded', 'x_rec', 'rec_x', 'x_tilde', 'recon_batch']),
  yTrue: new Set(['x', 'inputs', 'input', 'data', 'orig', 'original', 'images', 'imgs', 'img', 'image', 'x_true', 'x_batch', 'batch']),
};

/** Extra tensors a loss reads beside the prediction and the target (LossParam role 'tensor'). */
const tensorNames: ReadonlySet<string> = new Set([
  'mu', 'mean', 'means', 'logvar', 'log_var', 'log_variance', 'sigma', 'log_sigma', 'std', 'var', 'z', 'z_mean',
  'z_log_var', 'z_mu', 'z_logvar', 'latent', 'latents', 'code', 'codes', 'encoded', 'encoding', 'encodings',
  'embedding', 'embeddings', 'emb', 'features', 'feature', 'feats', 'feat', 'hidden', 'h', 'activations', 'acts',
  'weights', 'weight', 'w', 'kernel', 'params', 'parameters', 'theta', 'mask', 'masks', 'attention', 'attn',
  'sensitive', 'sensitive_attr', 'sensitive_attribute', 'group', 'groups', 'protected', 'x', 'xs', 'x_batch',
  'inputs', 'input', 'images', 'coords', 'x_coords', 't', 'sample_weight', 'sample_weights', 'instance_weights',
]);

/** The order a framework passes (target, prediction) in when the names say nothing. */
const argumentOrder: Readonly<Record<Framework, readonly [Role, Role]>> = {
  keras: ['yTrue', 'yPred'],
  tfjs: ['yTrue', 'yPred'],
  pytorch: ['yPred', 'yTrue'],
};

const norm = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * A quantity's name with a role's suffix (`temp_pred` / `temp_obs` of a physics-guided loss, `depth_hat`,
 * `price_true`): the suffix says the role, as the bare word does.
 */
const roleSuffix: Readonly<Record<Role, RegExp>> = {
  yTrue: /^[a-z][a-z0-9]*_(true|obs|observed|target|targets|gt|label|labels|actual|ref)$/,
  yPred: /^[a-z][a-z0-9]*_(pred|preds|hat|predicted|est|estimate|fit)$/,
};

export const isTargetName = (name: string): boolean => roleNames.yTrue.has(norm(name)) || roleSuffix.yTrue.test(norm(name));
export const isPredictionName = (name: string): boolean => roleNames.yPred.has(norm(name)) || reconstruction.yPred.has(norm(name)) || roleSuffix.yPred.test(norm(name));
export const isTensorName = (name: string): boolean => tensorNames.has(norm(name));

/** How many leading positional arguments are read for names (`loss(self, x, recon, encoded, lam)` needs four). */
const NAMED_WINDOW = 4;

/** Target and prediction when the names say both (a reconstruction pair first, then the name tables). */
function byName(names: readonly string[]): { yTrue: string; yPred: string } | undefined {
  const window = names.slice(0, NAMED_WINDOW);
  const recon = window.find((n) => reconstruction.yPred.has(norm(n)));
  if (recon) {
    const rebuilt = window.find((n) => n !== recon && (reconstruction.yTrue.has(norm(n)) || isTargetName(n)));
    if (rebuilt) return { yTrue: rebuilt, yPred: recon };
  }
  const t = window.find(isTargetName);
  const p = window.find((n) => n !== t && roleNames.yPred.has(norm(n)));
  return t && p ? { yTrue: t, yPred: p } : undefined;
}

/**
 * True when a loss's (prediction, target) pair is a reconstruction and its input (`x_hat` against `x`, `decoded`
 * against `batch`): the prediction is named like a reconstruction, or the target like the input it rebuilds.
 */
export function isReconstructionPair(yPred: string, yTrue: string): boolean {
  return reconstruction.yPred.has(norm(yPred)) || reconstruction.yTrue.has(norm(yTrue));
}

/** True when the names read as a loss's (target, prediction) in some order. */
export function looksLikeLossPair(names: readonly string[]): boolean {
  return byName(names) !== undefined;
}

/**
 * The target and prediction among the positional parameters (self excluded). Named ones win; when only one is
 * named, the other is the first argument that is not a known extra tensor; otherwise the first two in the
 * framework's order. Undefined when there are fewer than two.
 */
export function pickRoles(names: readonly string[], framework: Framework | undefined): { yTrue: string; yPred: string } | undefined {
  const named = byName(names);
  if (named) return named;
  if (names.length < 2) return undefined;
  const window = names.slice(0, NAMED_WINDOW);
  const t = window.find(isTargetName);
  const p = window.find((n) => n !== t && isPredictionName(n));
  // the other one: an input it may rebuild (`images`, `x`), else the first that is not a known extra tensor
  const other = (taken: string): string =>
    names.find((n) => n !== taken && reconstruction.yTrue.has(norm(n))) ?? names.find((n) => n !== taken && !isTensorName(n)) ?? (names[0] === taken ? names[1] : names[0]);
  if (t) return { yTrue: t, yPred: other(t) };
  if (p) return { yTrue: other(p), yPred: p };
  const [first, second] = argumentOrder[framework ?? 'keras'];
  return { [first]: names[0], [second]: names[1] } as { yTrue: string; yPred: string };
}

/**
 * The loss's own arguments that are extra tensors (LossParam role 'tensor': no default, named like one), known
 * before the terms are split so that none of them is taken for a λ (terms/build.ts TermContext.tensors).
 */
export function tensorArgNames(params: readonly { name: string; default?: unknown }[], roles: { yTrue: string; yPred: string }): Set<string> {
  return new Set(params.filter((p) => p.default === undefined && p.name !== roles.yTrue && p.name !== roles.yPred && isTensorName(p.name)).map((p) => p.name));
}

/** The loss's own arguments with no default beside the target and the prediction (TermContext.unvalued). */
export function unvaluedArgs(params: readonly { name: string; default?: unknown; variadic?: boolean }[], roles: { yTrue: string; yPred: string }): Set<string> {
  return new Set(params.filter((p) => !p.variadic && p.default === undefined && p.name !== roles.yTrue && p.name !== roles.yPred).map((p) => p.name));
}
