// Extra tensor arguments of a loss (LossParam role 'tensor': `mu`, `logvar`, `encoded`, `weights`, a sensitive
// attribute…) are mapped to the trial model by name, with this table; what it cannot map is refused by name, saying
// what it would take. Pure data (no tfjs): findUnsupported reads it before anything trains.
import type { LossModel } from '../analysis/ir';

export type TensorArgKind = 'hidden' | 'vae' | 'reconstruction-input' | 'weights' | 'sensitive';

interface Row {
  kind: TensorArgKind;
  names: RegExp;
  /** What the trainer would need to provide it, and what the user can do meanwhile. */
  refusal: (name: string) => string;
}

/** First match wins. Names are matched whole, case-insensitively, with common prefixes/suffixes. */
export const tensorArgTable: readonly Row[] = [
  {
    kind: 'vae',
    names: /^(mu|mean|z_mean|z_mu|logvar|log_var|z_log_var|logsigma|log_sigma|sigma|std|var)$/i,
    refusal: (n) =>
      `\`${n}\` is a VAE head's output: the trial model has no VAE head with the reparametrisation yet; train this loss in your own loop, or pass \`${n}\` as a dataset column`,
  },
  {
    kind: 'hidden',
    names: /^(encoded|encoding|z|h|hidden|features?|latent|embeddings?|code|activations?|representation)$/i,
    refusal: (n) =>
      `\`${n}\` is a hidden layer's activations: the trial model does not hand its hidden layers to the loss yet; write the penalty on the prediction, or pass \`${n}\` as a dataset column`,
  },
  {
    kind: 'reconstruction-input',
    names: /^(x|inputs?|original|images?|data|batch)$/i,
    refusal: (n) =>
      `\`${n}\` is the model's input (a reconstruction loss): the trial has no autoencoder task with target = input yet; give the loss the input as its target (\`y_true\`) or use a dataset whose targets are the inputs`,
  },
  {
    kind: 'weights',
    names: /^(w|weights?|kernel|params|parameters|theta)$/i,
    refusal: (n) =>
      `\`${n}\` is a weight matrix: write the penalty over \`model.parameters()\` (\`sum(p.abs().sum() for p in model.parameters())\`), which the trainer passes its model's weights to`,
  },
  {
    kind: 'sensitive',
    names: /^(group|groups|sensitive|sensitive_attr|s|attr|attribute|protected|a)$/i,
    refusal: (n) => `\`${n}\` is a sensitive attribute: the synthetic data has no group column yet; pass it as a dataset column (lossLab.training.dataset)`,
  },
];

export interface TensorArgRefusal {
  name: string;
  kind: TensorArgKind | 'unknown';
  message: string;
}

/** Kinds the trainer provides: a hidden layer's activations (the last hidden layer of the trial MLP). */
const provided: ReadonlySet<TensorArgKind> = new Set(['hidden']);

const kindOf = (name: string): TensorArgKind | undefined => tensorArgTable.find((r) => r.names.test(name))?.kind;

/** The extra tensor arguments that are the trial model's last hidden layer's activations (`encoded`, `features`). */
export function hiddenArgs(loss: LossModel): string[] {
  return loss.params.filter((p) => p.role === 'tensor' && kindOf(p.name) === 'hidden').map((p) => p.name);
}

/** Each extra tensor argument the loss takes, with why it cannot be provided and what the user can do. */
export function refusedTensorArgs(loss: LossModel): TensorArgRefusal[] {
  return loss.params
    .filter((p) => p.role === 'tensor' && !provided.has(kindOf(p.name) as TensorArgKind))
    .map((p) => {
      const row = tensorArgTable.find((r) => r.names.test(p.name));
      if (row) return { name: p.name, kind: row.kind, message: row.refusal(p.name) };
      return {
        name: p.name,
        kind: 'unknown' as const,
        message: `\`${p.name}\` is a tensor argument the trainer cannot provide (it passes the targets, the predictions, and tensors it recognises by name: hidden activations, weights, VAE heads, a sensitive attribute); pass it as a dataset column, or rename it if it is one of those`,
      };
    });
}
