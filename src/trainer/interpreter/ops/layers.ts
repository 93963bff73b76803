// Layers a loss builds and runs itself (issue 10 §2): `self.decoder = keras.Sequential([layers.Dense(128,
// activation="relu"), layers.Dense(784), layers.Reshape((28, 28))])` then `self.decoder(z)` in a `train_step`;
// `self.projector = nn.Sequential(nn.Linear(d, p, bias=False), nn.BatchNorm1d(p), nn.ReLU(), nn.Linear(p, p))`
// in a loss module. Each is the user's own function with trainable weights (../layerStore.ts), computed as the
// framework computes it in training mode: batch statistics in batch norm, dropout drawn from the trial's seeds.
// One table per framework: the constructor's parameters in order, the keywords that change nothing here
// (initialisers are the framework defaults; names and input shapes are bookkeeping), and the forward.
import type { Framework } from '../../../analysis/ir';
import type { Init } from '../layerStore';
import type { Tensor, Tf, Value } from '../types';
import { describe } from '../values';
import { softmax } from './shared';

/** A built layer: its forward on one tensor. */
export type LayerFn = (x: Tensor) => Tensor;

/** What a layer's builder gets: its constructor's arguments by name, where its weights live, its sub-layers. */
export interface LayerArgs {
  tf: Tf;
  callee: string;
  values: Readonly<Record<string, Value>>;
  /** A weight of this layer (made on first use; see LayerStore.weight). */
  weight(name: string, shape: number[], init: Init): Tensor;
  /** The sub-layers given to a container (`Sequential`), built in order. */
  sublayers(): LayerFn[];
  nextSeed?: () => number;
}

export interface LayerSpec {
  /** Constructor parameters in positional order. */
  params: readonly string[];
  /** Keywords that do not change the value here. */
  inert?: readonly string[];
  /** The parameter holding sub-layers (Keras `Sequential(layers)`), or '*' for positional ones (torch `nn.Sequential(*mods)`). */
  sublayers?: string;
  build(a: LayerArgs): LayerFn;
}

const KERAS_INERT = ['name', 'dtype', 'input_shape', 'input_dim', 'batch_input_shape', 'kernel_initializer', 'bias_initializer', 'trainable', 'gamma_initializer', 'beta_initializer'];
const TORCH_INERT = ['device', 'dtype', 'inplace'];

const num = (a: LayerArgs, name: string, fallback?: number): number => {
  const v = a.values[name];
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new Error(`\`${a.callee}\` needs \`${name}\``);
    return fallback;
  }
  throw new Error(`\`${a.callee}\`: \`${name}\` must be a number, not ${describe(v)}`);
};
const flag = (a: LayerArgs, name: string, fallback: boolean): boolean => {
  const v = a.values[name];
  return v === undefined || v === null ? fallback : Boolean(v);
};
const last = (x: Tensor): number => x.shape[x.rank - 1]!;

/** x·W (+ b) on the last axis, for inputs of any rank. */
function affine(tf: Tf, x: Tensor, w: Tensor, b: Tensor | undefined): Tensor {
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, last(x)]);
  const y = tf.matMul(flat, w);
  const out = b ? tf.add(y, b) : y;
  return x.rank === 2 ? out : tf.reshape(out, [...x.shape.slice(0, -1), w.shape[1]!]);
}

/** Keras activations by name (`activation="relu"`); None and "linear" are the identity. */
const KERAS_ACTIVATIONS: Readonly<Record<string, (tf: Tf, x: Tensor) => Tensor>> = {
  linear: (_tf, x) => x,
  relu: (tf, x) => tf.relu(x),
  sigmoid: (tf, x) => tf.sigmoid(x),
  tanh: (tf, x) => tf.tanh(x),
  softmax: (tf, x) => softmax(tf, x, -1),
  softplus: (tf, x) => tf.softplus(x),
  elu: (tf, x) => tf.elu(x),
  selu: (tf, x) => tf.selu(x),
  swish: (tf, x) => tf.mul(x, tf.sigmoid(x)),
  silu: (tf, x) => tf.mul(x, tf.sigmoid(x)),
  leaky_relu: (tf, x) => tf.leakyRelu(x, 0.2),
};

function kerasActivation(a: LayerArgs, name = 'activation'): (tf: Tf, x: Tensor) => Tensor {
  const v = a.values[name];
  if (v === undefined || v === null) return KERAS_ACTIVATIONS.linear!;
  const f = typeof v === 'string' ? KERAS_ACTIVATIONS[v] : undefined;
  if (!f) throw new Error(`\`${a.callee}\`: activation ${JSON.stringify(v)} is not one the trainer knows (${Object.keys(KERAS_ACTIVATIONS).join(', ')})`);
  return f;
}

/** Batch normalisation in training mode: the batch's mean and (biased) variance over every axis but `axis`. */
function batchNorm(tf: Tf, x: Tensor, axis: number, eps: number, scale?: Tensor, shift?: Tensor): Tensor {
  const at = axis < 0 ? x.rank + axis : axis;
  const axes = [...Array(x.rank).keys()].filter((i) => i !== at);
  const { mean, variance } = tf.moments(x, axes, true);
  const shape = x.shape.map((n, i) => (i === at ? n : 1));
  let out = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  if (scale) out = tf.mul(out, tf.reshape(scale, shape));
  return shift ? tf.add(out, tf.reshape(shift, shape)) : out;
}

function layerNorm(tf: Tf, x: Tensor, eps: number, scale?: Tensor, shift?: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, [x.rank - 1], true);
  let out = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  if (scale) out = tf.mul(out, scale);
  return shift ? tf.add(out, shift) : out;
}

function dropout(a: LayerArgs, rate: number): LayerFn {
  const { tf } = a;
  return (x) => {
    if (rate === 0) return x;
    const draws = tf.randomUniform(x.shape, 0, 1, 'float32', a.nextSeed?.());
    return tf.mul(x, tf.div(tf.cast(tf.greaterEqual(draws, rate), 'float32'), 1 - rate));
  };
}

const chain = (fns: LayerFn[]): LayerFn => (x) => fns.reduce((y, f) => f(y), x);

const kerasLayers: Readonly<Record<string, LayerSpec>> = {
  Dense: {
    params: ['units', 'activation', 'use_bias'],
    build: (a) => {
      const units = num(a, 'units');
      const act = kerasActivation(a);
      const useBias = flag(a, 'use_bias', true);
      return (x) => {
        const fanIn = last(x);
        const w = a.weight('kernel', [fanIn, units], { kind: 'glorot', fanIn, fanOut: units });
        const b = useBias ? a.weight('bias', [units], { kind: 'zeros' }) : undefined;
        return act(a.tf, affine(a.tf, x, w, b));
      };
    },
  },
  Flatten: { params: [], build: (a) => (x) => a.tf.reshape(x, [x.shape[0]!, -1]) },
  Reshape: {
    params: ['target_shape'],
    build: (a) => {
      const target = a.values['target_shape'];
      if (!Array.isArray(target) || !target.every((n) => typeof n === 'number')) throw new Error(`\`${a.callee}\`: target_shape must be a tuple of numbers`);
      return (x) => a.tf.reshape(x, [x.shape[0]!, ...(target as number[])]);
    },
  },
  Dropout: { params: ['rate'], build: (a) => dropout(a, num(a, 'rate')) },
  Activation: { params: ['activation'], build: (a) => (x) => kerasActivation(a)(a.tf, x) },
  ReLU: { params: [], build: (a) => (x) => a.tf.relu(x) },
  LeakyReLU: { params: ['alpha'], inert: ['negative_slope'], build: (a) => (x) => a.tf.leakyRelu(x, num(a, 'alpha', 0.3)) },
  Softmax: { params: ['axis'], build: (a) => (x) => softmax(a.tf, x, num(a, 'axis', -1)) },
  BatchNormalization: {
    params: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
    build: (a) => (x) => {
      const n = last(x);
      const gamma = flag(a, 'scale', true) ? a.weight('gamma', [n], { kind: 'ones' }) : undefined;
      const beta = flag(a, 'center', true) ? a.weight('beta', [n], { kind: 'zeros' }) : undefined;
      return batchNorm(a.tf, x, num(a, 'axis', -1), num(a, 'epsilon', 1e-3), gamma, beta);
    },
  },
  LayerNormalization: {
    params: ['axis', 'epsilon', 'center', 'scale'],
    build: (a) => (x) => {
      const n = last(x);
      const gamma = flag(a, 'scale', true) ? a.weight('gamma', [n], { kind: 'ones' }) : undefined;
      const beta = flag(a, 'center', true) ? a.weight('beta', [n], { kind: 'zeros' }) : undefined;
      return layerNorm(a.tf, x, num(a, 'epsilon', 1e-3), gamma, beta);
    },
  },
  Sequential: { params: ['layers'], sublayers: 'layers', build: (a) => chain(a.sublayers()) },
};

const torchLayers: Readonly<Record<string, LayerSpec>> = {
  Linear: {
    params: ['in_features', 'out_features', 'bias'],
    build: (a) => {
      const [fanIn, out] = [num(a, 'in_features'), num(a, 'out_features')];
      const useBias = flag(a, 'bias', true);
      return (x) => {
        if (last(x) !== fanIn) throw new Error(`\`${a.callee}(${fanIn}, ${out})\` is given inputs with ${last(x)} features (shape [${x.shape.join(', ')}])`);
        const w = a.weight('weight', [fanIn, out], { kind: 'fanIn', fanIn });
        const b = useBias ? a.weight('bias', [out], { kind: 'fanIn', fanIn }) : undefined;
        return affine(a.tf, x, w, b);
      };
    },
  },
  BatchNorm1d: {
    params: ['num_features', 'eps', 'momentum', 'affine'],
    inert: ['track_running_stats'],
    build: (a) => {
      const n = num(a, 'num_features');
      const affineOn = flag(a, 'affine', true);
      return (x) => {
        const gamma = affineOn ? a.weight('weight', [n], { kind: 'ones' }) : undefined;
        const beta = affineOn ? a.weight('bias', [n], { kind: 'zeros' }) : undefined;
        // (N, C) or (N, C, L): the statistics of each channel C, over the batch (and the length)
        return batchNorm(a.tf, x, 1, num(a, 'eps', 1e-5), gamma, beta);
      };
    },
  },
  LayerNorm: {
    params: ['normalized_shape', 'eps', 'elementwise_affine'],
    build: (a) => {
      const shape = a.values['normalized_shape'];
      const n = typeof shape === 'number' ? shape : Array.isArray(shape) && shape.length === 1 && typeof shape[0] === 'number' ? shape[0] : undefined;
      if (n === undefined) throw new Error(`\`${a.callee}\`: only a normalized_shape of one axis is supported`);
      const affineOn = flag(a, 'elementwise_affine', true);
      return (x) => {
        const gamma = affineOn ? a.weight('weight', [n], { kind: 'ones' }) : undefined;
        const beta = affineOn ? a.weight('bias', [n], { kind: 'zeros' }) : undefined;
        return layerNorm(a.tf, x, num(a, 'eps', 1e-5), gamma, beta);
      };
    },
  },
  Dropout: { params: ['p'], build: (a) => dropout(a, num(a, 'p', 0.5)) },
  Flatten: { params: ['start_dim', 'end_dim'], build: (a) => (x) => a.tf.reshape(x, [...x.shape.slice(0, num(a, 'start_dim', 1)), -1]) },
  Sequential: { params: [], sublayers: '*', build: (a) => chain(a.sublayers()) },
};

const prefixed = (prefixes: string[], table: Readonly<Record<string, LayerSpec>>, inert: string[]): Record<string, LayerSpec> =>
  Object.fromEntries(prefixes.flatMap((p) => Object.entries(table).map(([name, spec]) => [`${p}.${name}`, { ...spec, inert: [...(spec.inert ?? []), ...inert] }])));

/** Every layer class the trainer builds, by canonical callee. */
export const LAYERS: Readonly<Record<string, LayerSpec>> = {
  ...prefixed(['tf.keras.layers'], kerasLayers, KERAS_INERT),
  'tf.keras.Sequential': { ...kerasLayers.Sequential!, inert: KERAS_INERT },
  'tf.keras.models.Sequential': { ...kerasLayers.Sequential!, inert: KERAS_INERT },
  ...prefixed(['nn', 'torch.nn'], torchLayers, TORCH_INERT),
};

/** A module's own trainable parameter (`nn.Parameter(torch.randn(k, d))`): a weight of the loss (layerCalls.ts). */
export const LOSS_PARAMETERS: ReadonlySet<string> = new Set(['nn.Parameter', 'torch.nn.Parameter', 'nn.parameter.Parameter']);

/** The framework each table's classes belong to, by the callee's prefix. */
const FRAMEWORK_PREFIX: Readonly<Record<Framework, RegExp>> = { keras: /^tf\.keras\./, pytorch: /^(torch\.)?nn\./, tfjs: /^$/ };

/** Whether `callee` is a layer class the trainer builds (of `framework`, when given). */
export const isLayerCallee = (callee: string, framework?: Framework): boolean => Object.hasOwn(LAYERS, callee) && (!framework || FRAMEWORK_PREFIX[framework].test(callee));

/** A layer the trainer builds or a parameter of the loss's own: weights of the loss (for the static checks). */
export const ownsWeights = (callee: string, framework: Framework): boolean => (Object.hasOwn(LAYERS, callee) || LOSS_PARAMETERS.has(callee)) && FRAMEWORK_PREFIX[framework].test(callee);

export const layerCallees = (framework: Framework): string[] => [...Object.keys(LAYERS), ...LOSS_PARAMETERS].filter((c) => FRAMEWORK_PREFIX[framework].test(c));
