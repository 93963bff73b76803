// The LossModel IR: what every front end (Python, TypeScript/JavaScript) produces and what the rules, the quick
// fixes and the trainer read. Nothing downstream reads source text again; everything it needs is here.
// Plain data (JSON-serialisable) so it can cross the IPC boundary to the trainer unchanged.

export type Framework = 'keras' | 'pytorch' | 'tfjs';
export type SourceLanguage = 'python' | 'typescript' | 'javascript';

/** Zero-based line and column (UTF-16 code units), end exclusive: the same convention as `vscode.Range`. */
export interface SourceRange {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or'
  /** Python's `&`, `|`, `^`: on tensors the frameworks' element-wise logical ops on boolean masks. */
  | '&' | '|' | '^';

export type UnaryOp = '-' | '+' | 'not' | '~';

/** One index of a subscript: `y[:, 1:]` is [{kind:'slice'}, {kind:'slice', start:1}]. */
export type IndexItem =
  | { kind: 'index'; value: Expr }
  | { kind: 'slice'; start?: Expr; stop?: Expr; step?: Expr }
  | { kind: 'ellipsis' }
  | { kind: 'newaxis' };

/**
 * An expression after local assignments are inlined (`p = ...; return ce + lam * p` gives the tree of
 * `ce + lam * (...)`), so each node's `range` is where that piece of code is written, which may be on an earlier
 * line than the `return`. `text` is the source text of the node (as written, before inlining), cut to
 * EXPR_TEXT_MAX (160) characters by `clipExprText` (src/analysis/exprText.ts) (ending in `…`): each level of a deeply nested expression used to copy its whole
 * subexpression, so a 16 KB line made a 37 MB spec. It is for messages and labels; code that needs the exact text
 * slices the document at `range` (fixes do, through SourceText).
 *
 * Callees are canonical dotted names, with the file's import aliases resolved:
 *   Python: `tensorflow` → `tf`, `tensorflow.keras.backend` → `K`, `torch.nn.functional` → `F`, `torch`, `numpy` → `np`,
 *   `from tensorflow.keras.losses import categorical_crossentropy` → `tf.keras.losses.categorical_crossentropy`,
 *   `tf.math.reduce_sum` stays as written (op tables list the aliases they accept).
 *   TS/JS: any import of `@tensorflow/tfjs*` → `tf` (`tf.losses.meanSquaredError`, `tf.sum`).
 * A callee that cannot be resolved keeps its written dotted name.
 */
export type Expr = (
  /**
   * `boundTo`: the object attribute a constructor call set this number into (`RangePenalty(weight=0.3)` makes
   * `self.weight` 0.3), or the helper parameter a call passed it to (`smooth_loss(s, 8e-4)` binds `lamda1`, written
   * `smooth_loss(lamda1)`): a value the user chose, so a weight where it multiplies a helper's result, never part of
   * the helper's own formula (as the ½ of a KL is).
   */
  | { kind: 'number'; value: number; boundTo?: string }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  /** A name that is not a local (locals are inlined): a parameter, a captured variable (factory), a global. */
  | { kind: 'name'; name: string; ref: NameRef }
  /** `self.lam` (PyTorch module attribute) or any attribute read that is not a call. */
  | { kind: 'attr'; object: Expr; name: string }
  /** `~`: Python's invert, on a boolean mask the element-wise logical not. */
  | { kind: 'unary'; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  /**
   * `cond ? a : b` / `a if cond else b`. `taken`: the branch the settings where the loss is built select
   * (`if how == "mean":` with `self.reduction = "mean"`), set when both branches hold as many terms (terms/build.ts).
   */
  | { kind: 'conditional'; test: Expr; then: Expr; else: Expr; taken?: 'then' | 'else' }
  /** Free function call: `tf.reduce_mean(x, axis=-1)`. */
  /**
   * `ctorArgs`: a class instance called later (`self.sm = nn.LogSoftmax(1)` then `self.sm(x)`) is one call with the
   * constructor's keywords in `kwargs`; its positional arguments (`1`) are kept here, since only the callee's table
   * knows their names (the trainer binds them, `dim`).
   * `forward`: the call of an object of the file's own loss class (`macro_criterion(scores, label)` with
   * `macro_criterion = MacroLoss()`), which the split reads as one term: its forward/__call__, followed with the
   * object's state and the call's arguments bound. The trainer runs it in place of the class, which no op table holds;
   * the analysis's readers (childrenOf) leave it out, as the class's own findings are reported where it is written.
   * `splat`: the positions of `args` written with a star (`x.view(*x.shape[:2], -1)`, `torch.zeros(*size)`): each
   * such argument's items are passed in its place, as Python unpacks them.
   */
  | { kind: 'call'; callee: string; args: Expr[]; kwargs: Record<string, Expr>; ctorArgs?: Expr[]; forward?: Expr; splat?: number[] }
  /** Method call on a value: `x.sum(dim=1)`, `yPred.sum(-1)`, `tf.square(x).mean()`; `splat` as for a call. */
  | { kind: 'method'; object: Expr; method: string; args: Expr[]; kwargs: Record<string, Expr>; splat?: number[] }
  /**
   * `unpacked`: the item of a tuple unpacking, not an index written in the code: `logits, norm = outputs` reads
   * `outputs[0]` and `outputs[1]` (the trainer then knows `outputs` is a tuple the model returns, not a batch).
   */
  | { kind: 'subscript'; object: Expr; index: IndexItem[]; unpacked?: true }
  | { kind: 'tuple'; items: Expr[] }
  /**
   * `sum(<body> for <variable> in model.parameters())` (PyTorch; a list comprehension too): the sum over the
   * model's trainable parameters of `body`, in which `variable` (a name with ref 'weight') is each parameter.
   */
  | {
      kind: 'overWeights'; variable: string; body: Expr;
      /**
       * `for name, p in net.named_parameters()`: the variable bound to each parameter's name, as `nn.Sequential`
       * names them (`0.weight`, `0.bias`, `2.weight`, …: each layer's weight, then its bias).
       */
      nameVariable?: string;
    }
  /**
   * A loop the trainer runs at train time (CONVENTIONS §4), also a comprehension. Each element of `iterable` binds
   * `variables` (several: tuple unpacking), then `body` is evaluated with them (names with ref 'loop').
   * With an `accumulator`, the loop is a fold: the accumulator starts at `init` and each pass sets it to `body`
   * (which reads it by name, ref 'loop'); the node's value is its last value:
   *   `total = 0` / `for p in tf.unstack(y_pred, axis=1): total += tf.reduce_mean(p)` →
   *     { variables: ['p'], iterable: tf.unstack(y_pred, axis=1), accumulator: 'total', init: 0, body: total + reduce_mean(p) }
   * Without one, its value is the list of the body's values (`[f(p) for p in xs]`, `outs.append(f(p))`).
   * Iterables: a tensor (its slices along axis 0, as Python iterates a tensor), a list/tuple, `range(…)`,
   * `zip(…)`, `enumerate(…)`.
   * A collecting loop with a `filter` keeps only the passes where it holds, as Python does:
   *   `[f(p) for k, p in enumerate(ps) if k > 0]`, or `for k, p in …: if k > 0: outs.append(f(p))` →
   *     { variables: ['k', 'p'], iterable: enumerate(ps), body: f(p), filter: k > 0 }
   */
  | { kind: 'loop'; variables: string[]; iterable: Expr; body: Expr; accumulator?: string; init?: Expr; filter?: Expr }
  /**
   * Anything the front end cannot model (lambda, comprehension, …). The trainer reports it by `text`.
   * `returnsNothing` (added for issue 9 §1): the call of a same-file helper (a function, or a held module's forward)
   * that never returns a value, so the caller gets None: `self.kl_term(p, q)` whose forward's last statement is a
   * bare expression gives { helper: 'self.kl_term', discarded: <that expression, read with the call's arguments> }.
   * Rules report the missing return (LL114) and still judge what the helper computes (LL112 on its logs).
   */
  | { kind: 'unsupported'; what: string; returnsNothing?: { helper: string; discarded?: Expr } }
) & {
  range: SourceRange;
  text: string;
  /**
   * A penalty weight that stands for equal literals written in several places (`tf.multiply(lambda_w, …)` and
   * `tf.multiply(lambda_v, …)` with both constants 0.001, factored out as one λ: terms/innerWeights.ts): where the
   * others' numbers are written, so λ write-back sets every one of them.
   */
  alsoWritten?: SourceRange[];
};

/** What a free name refers to. */
export type NameRef =
  | 'yTrue'      // the target argument
  | 'yPred'      // the prediction argument
  | 'param'      // another parameter of the loss function (λ, bounds, …)
  | 'captured'   // a parameter of an enclosing factory (`def make(lam): def loss(...)`) or a partial's bound arg
  | 'module'     // an attribute of `self` in an nn.Module (`self.lam`); only on `attr` objects named `self`
  | 'weight'     // the variable of a sum over the model's parameters (`overWeights`): each parameter in turn
  | 'loop'       // a variable or the accumulator of an enclosing `loop` node
  | 'global';    // anything else (module-level constant, import)

export type ConstraintKind =
  | 'sum-to-one' | 'bounds' | 'output-sparsity' | 'weight-sparsity' | 'non-negativity' | 'monotone' | 'parity';

/** An activation a loss applies to its prediction itself before constraining it (`torch.sigmoid(logits)`). */
export type OutputTransform = 'sigmoid' | 'softmax' | 'tanh';

/** A constraint shape recognised in a penalty, with the numbers the trainer needs for its violation metric. */
export interface RecognisedConstraint {
  kind: ConstraintKind;
  /** e.g. { lower: 0, upper: 1 } for bounds, { target: 1 } for sum-to-one. Names come from the template catalog. */
  params: Record<string, number>;
  /** The penalty constrains this activation of the prediction (applied inside the loss), not the prediction itself. */
  on?: OutputTransform;
}

/**
 * One additive term of the loss: `sign · weight · expr`.
 * The returned expression is split at top-level `+`/`-` (after inlining); in each piece, numeric constants and
 * hyper-parameter references that multiply the rest are the `weight`, the rest is `expr`.
 *   `ce + lambda_param * sum_penalty`        → base{expr: ce}, penalty{weight: lambda_param, expr: sum_penalty}
 *   `mse + lam * (lower_p + upper_p)`        → one penalty whose expr is `lower_p + upper_p`
 *   `loss - 0.1 * p`                          → penalty{sign: -1, weight: 0.1}
 * A term is `base` when it contains a recognised framework loss (cross-entropy, MSE, F.*_loss, tf.losses.*) and is
 * the first such term, or when it is the only term; every other term is a `penalty`. When no term holds a recognised
 * loss (a hand-written MSE), the first unweighted term that reads both `yTrue` and `yPred` is the base. A conditional
 * return (`if lam == 0: return ce` … `return ce + lam * p`) is split along its branch with more terms.
 * A mean or sum over a sum is split by linearity where that is exact (src/analysis/terms/linear.ts), each piece
 * keeping the reduction, its axis and keepdims; a constant factor outside multiplies every piece's weight:
 *   `K.mean(se + lam * act, axis=-1)`        → base{expr: K.mean(se, axis=-1)}, penalty{weight: lam, expr: K.mean(act, axis=-1)}
 * so Σ sign·weight·expr (each reduced as the framework reduces a loss) is the loss as written. The weight is read
 * in any product form (`p * self.weight`, `torch.mul(C, p)`, `p.mul(lam)`, `tf.scalar(C).mul(p)`); a division by a
 * hyper-parameter is the weight `1 / x` (`p / temperature` → weight `1 / temperature`, no weightParam: the λ is
 * 1/x, not x). A never-positive piece with one negation (`-c * tf.minimum(c - p, 0)`, `- c * minimum(…)`) is
 * normalised to sign +1, weight c, expr `-(minimum(…))`: the same value, a positive penalty.
 */
export interface Term {
  id: string;                // 't0', 't1', … in source order; stable for one analysis
  role: 'base' | 'penalty';
  sign: 1 | -1;
  expr: Expr;
  weight?: Expr;             // absent: no λ (the rule "penalty without λ" fires on penalties)
  /**
   * The hyper-parameter that is the weight, when the weight is (a number times) one name or `self.x`, not in a
   * denominator, and the penalty does not read it too (`-c * minimum(c - p, 0)`: c is also the margin).
   */
  weightParam?: string;
  /**
   * A short human name: the local variable it came from (`sum_penalty`), a framework loss's function
   * (`categorical_crossentropy`), else a short rendering of the expression without its outer reduction
   * (`relu(-y_pred)`); never the function around it (`reduce_mean`, `sum`).
   */
  label: string;
  range: SourceRange;        // the whole term as written in the return expression
  constraint?: RecognisedConstraint;
  /**
   * Added for issue 9 §1 (Keras built-in regularizers): the layer this penalty comes from, when Keras adds it to the
   * compiled loss from a layer's argument: `Dense(64, kernel_regularizer=regularizers.l2(1e-4))` gives the term
   * `l2` { on: 'kernel', layer: 'Dense', range: the Dense call } (python/builtinRegularizerModel.ts).
   */
  regularizes?: Regularizes;
}

/**
 * Where a parameter's value is written (CONVENTIONS §1), so a reader knows what λ write-back edits:
 *   'argument'        the loss's own parameter `def loss(y_true, y_pred, lam=0.1)`
 *   'factory'         a factory's parameter `def make(lam=0.1): def loss(...)`
 *   'closure'         a value assigned in the factory before the inner def, `scale, lam = cfg` / `lam = 0.1`
 *   'module-constant' `TV_WEIGHT = 0.1` / `const LAMBDA = 0.1` at module level (read as a name, ref 'global')
 *   'class-attribute' `class L(nn.Module): weight = 0.1` (read as `self.weight`)
 *   'constructor'     `self.lam = lam` with `lam=0.5` in `__init__`, or `self.eps = 1e-7` there
 *   'notebook-cell'   a module constant written in another cell of the notebook (range: in that cell's text)
 *   'argparse'        a command-line flag's default: `args.r_so` with `parser.add_argument('--r_so', default=0.05)`
 *                     (name `args.r_so`, defaultRange the `0.05`; python/argparse.ts)
 */
export type ParamOrigin = 'argument' | 'factory' | 'closure' | 'module-constant' | 'class-attribute' | 'constructor' | 'notebook-cell' | 'argparse';

/**
 * A parameter of the loss: 'yTrue' / 'yPred' the target and the prediction (terms/roles.ts decides which from
 * names, order, framework); 'hyper' a number that configures the loss (`l1_lambda=1e-3`, `self.lam`); 'tensor'
 * (below); 'other' anything else (a string mode, an object).
 */
/** A value known before training: a literal, or a list/tuple of them (ir.ts LossParam.items). */
export type StaticValue = number | string | boolean | StaticValue[];

export interface LossParam {
  name: string;
  /**
   * 'tensor' (added for issue 10): an extra tensor argument beside the prediction and the target, named as written
   * (`def loss(recon_x, x, mu, logvar)` → `mu` and `logvar`; `def loss(y_true, y_pred, encoded)` → `encoded`).
   * The trainer maps it to its trial model by name (src/trainer/tensorArgs.ts) or refuses it by name.
   */
  role: 'yTrue' | 'yPred' | 'hyper' | 'other' | 'tensor';
  /** Literal default, when it is a number (possibly negative) or a string. */
  default?: number | string | boolean;
  /**
   * A value that is not one literal but is known before training: a list or tuple of literals, possibly nested
   * (`QUANTILES = [0.1, 0.5, 0.9]`, `def __init__(self, quantiles=(0.1, 0.5, 0.9))`, `make_loss((0.01, 0.5))`
   * bound to a factory's `settings`). The trainer reads it as the Python list or tuple it is.
   */
  items?: StaticValue[];
  /**
   * Where the value comes from when it is one item of another parameter's value: `tol, lam = settings` in a
   * factory gives `tol` { from: 'settings', index: 0 }. The trainer unpacks it as Python does.
   */
  unpacks?: { from: string; index: number };
  range: SourceRange;
  /** Where the literal default is written (λ write-back edits it); may be outside the loss (module constant). */
  defaultRange?: SourceRange;
  /** Where the value lives; absent on front ends that do not say (read as 'argument'). */
  origin?: ParamOrigin;
  /** For origin 'notebook-cell': the 1-based number of the cell `range`/`defaultRange` are in. */
  cell?: number;
  /**
   * For a `self.x` set in `__init__` from one of its parameters (added for issue 9 §2): that parameter, which a
   * constructor call binds by its own name. `self.neg_weight = tf.convert_to_tensor(neg_weight)` with
   * `NonNegMSE(neg_weight=4.0)` gives { name: 'self.neg_weight', initArgument: 'neg_weight' } and a usage with
   * boundArgs { neg_weight: 4 }: the loss runs with self.neg_weight = 4. Lightning's `self.save_hyperparameters()`
   * gives `self.hparams.lam` { initArgument: 'lam' } the same way. Read it through `boundKey` (src/analysis/bound.ts).
   */
  initArgument?: string;
  /**
   * Added for issue 9 §4: the value is computed once before training, where the loss is built: the factory call
   * passes a module-level value computed from concrete data, not from a symbolic `keras.Input`
   * (`make([gap, lam])` with `gap = density(model(K.constant(pairs)))` at module level gives `gap` of
   * `gap, lam = settings` { fixedBeforeTraining: true }). A constant to the optimiser: a penalty reading only it has
   * no gradient (LL105).
   */
  fixedBeforeTraining?: boolean;
  /**
   * The training code moves the value itself (`self.multiplier = max(0.0, self.multiplier + lr * excess)` in a method
   * of the class: dual ascent, annealing): its default is where the schedule starts (a Lagrange multiplier at 0 is
   * no disabled penalty, LL103), not the weight of the whole training.
   */
  updatedInTraining?: true;
  /**
   * Added for issue 10 §2 (role 'tensor'): a trainable parameter of the model whose method the loss is, read as an
   * attribute: `self.head_weight` with `self.head_weight = nn.Parameter(...)` in `__init__`, `self.hidden.weight`
   * with `self.hidden = nn.Linear(...)`, `self.w` with `self.w = self.add_weight(...)`. Whatever its name, the trainer
   * passes one of its trial model's weights (src/trainer/tensorArgs.ts, kind 'weights').
   */
  modelWeight?: true;
  /**
   * A model weight of the layer that makes the model's output (`dense.kernel` with `outputs = dense(inputs)` in the
   * file's Keras graph, python/graphAddLoss.ts): the trainer passes its trial model's output layer's weight, whose
   * width is the prediction's, rather than a hidden layer's.
   */
  outputLayer?: true;
  /**
   * Added for issue 10 §2: the default is `None` (`def loss(pred, target, mask=None)`, `pos_weight=None` in an
   * `__init__`): the argument may be absent, and the loss then runs its None branch (`if mask is not None: …`).
   * The trainer passes None rather than ask for a tensor it has not got.
   */
  noneDefault?: true;
  /**
   * Added for issue 10 §2: a further output of the model's own call in an inline loss or a training step, by its
   * index among the call's outputs (`logits, aux = model(x)` gives `aux` { role: 'tensor', modelOutput: 1 }). A tensor
   * the model computes, whatever its name: the trainer passes the trial model's hidden activations for it, and says so.
   */
  modelOutput?: number;
  /**
   * Added for issue 10 §2: the batch an inline loss's model was given, which the loss also reads beside its target
   * (`x` of `for x, y in loader: out = model(x)` in `criterion(out[:, 2:], x + dt * out[:, :2])`), whatever its name:
   * the trainer passes the batch its trial model runs on, and says so in the header.
   */
  modelInput?: true;
  /**
   * The name a same-file function gives this value where the loss passes it (`self._parity_violation(logits, gb)`
   * with `def _parity_violation(self, logits, group)` gives `gb` the alias `group`): the trainer's name tables read
   * it when the value's own name says nothing (a batch's third column `gb` is the group column).
   */
  alias?: string;
  /**
   * A hidden tensor of the file's own Keras functional graph that an added loss reads (`h1 = Dense(…)(x)`, `z =
   * encoder(x)`, then `model.add_loss(lam * reduce_sum(square(h1)))`): an activation the model computes, whatever its
   * name, not data. The trainer passes its trial model's hidden activations for it, and says so in the header.
   */
  graphActivation?: true;
  /**
   * Added for issue 10 §2: a setting the script derives from its data, which the trial derives from its own data
   * (python/dataSettings.ts, src/trainer/dataSettings.ts), said in the panel's header:
   * `AutoEncoder(data_dim=x_train.shape[1])` gives `self.data_dim` { what: 'dim', of: 'x_train', axis: 1 };
   * `data_variance = float(np.var(slices + 0.5))` passed as `train_variance` gives { what: 'stat', stat: 'var', of:
   * 'slices', ddof: 0 }; a factory's `input_shape` given to `Input(shape=input_shape)` gives { what: 'input-shape' }.
   */
  fromData?: DataSetting;
}

/** How the script derives a setting from its data (LossParam.fromData); `text` and `line` say where (1-based). */
export interface DataSetting {
  what: 'dim' | 'stat' | 'input-shape';
  /** The data it is read from, as written (`x_train`); 'dim' and 'stat'. */
  of?: string;
  /** For 'dim': the axis of `of.shape[axis]` (negative counts from the end). */
  axis?: number;
  /** For 'stat': the statistic over all of the data's values, with its ddof for var/std (NumPy 0, torch 1). */
  stat?: 'var' | 'std' | 'mean' | 'max' | 'min';
  ddof?: 0 | 1;
  /** For 'stat': a number added to the data before the statistic (`np.var(slices + 0.5)`: 0.5). */
  shift?: number;
  text: string;
  line: number;
}

/** How a loss is used elsewhere in the file. */
export interface LossUsage {
  /**
   * 'training-step': returned by a Lightning `training_step` (or as its dict's 'loss'), or differentiated by a
   * Keras `train_step`'s `tape.gradient(loss, …)`; 'add-loss': passed to `self.add_loss(...)`/`model.add_loss(...)`;
   * 'regularizer': a Regularizer passed to a layer (`activity_regularizer=Ortho(0.1)`).
   */
  kind: 'compile' | 'fit' | 'backward' | 'call' | 'partial' | 'factory-call' | 'training-step' | 'add-loss' | 'regularizer';
  /**
   * In a notebook: the 1-based cell of a call in a later cell (`KLSparsity(RHO, BETA)` below the class's cell); its
   * `range` is in that cell's text, so edits of the loss's own cell never use it.
   */
  cell?: number;
  range: SourceRange;
  /**
   * For `compile`: true when the bare function is passed (`loss=constrained_loss`), so Keras calls it with two
   * arguments and every other parameter keeps its default forever.
   */
  passesBareFunction?: boolean;
  /**
   * For `compile` (added for issue 9 §4): true when a factory itself is passed, not what it returns
   * (`def make_loss(alpha): def loss(y_true, y_pred): …; return loss` with `compile(loss=make_loss)`): the framework
   * calls the factory with (y_true, y_pred) as its own parameters and gets a function, not a loss value.
   */
  passesFactory?: boolean;
  /** Arguments bound by a factory call or `functools.partial(fn, lam=0.5)`. */
  boundArgs?: Record<string, number | string | boolean>;
  /**
   * Added for issue 9 §2: for an argument of boundArgs passed as a name, not a literal, where that name's literal is
   * written (λ write-back edits it there): `SparseCoder(beta=args.sparsity_lambda)` with
   * `add_argument('--sparsity_lambda', default=3e-4)` binds beta = 3e-4 at the `3e-4`; `Model(lam=LAM)` at `LAM = 0.1`'s
   * `0.1`; `lam = 0.05` then `Model(lam=lam)` at that `0.05` (python/passedValue.ts).
   */
  boundAt?: Record<string, SourceRange>;
  /**
   * Added for issue 9 §2, on a plain 'call' of a function loss: the numbers the call passes by parameter name
   * (`objective(out, y, 0.8)` passes fair_weight = 0.8), the value of a parameter that has no default (bound.ts
   * calledWith), and where each is written (λ write-back edits it there).
   */
  passedArgs?: Record<string, number>;
  passedAt?: Record<string, SourceRange>;
  /** Lists and tuples of literals bound the same way (`make_loss((0.01, 0.5))` binds `settings` to [0.01, 0.5]). */
  boundItems?: Record<string, StaticValue[]>;
  /**
   * Added for issue 10 ("no silent substitution"): the arguments a factory or constructor call passes with a value
   * the analysis does not read (`Model(margin=cfg.margin)`, `Model(pairs=load_pairs())`), by parameter name. The loss
   * does not run with their default: the trainer says which it trained with, or refuses a branch they decide.
   */
  unreadArgs?: string[];
}

/**
 * How the loss is written. 'module-forward' is a loss class's method with `self.x` set in `__init__`: an
 * `nn.Module`'s `forward` or a `keras.losses.Loss`'s `call` (params then hold `__init__`'s as `self.x`).
 *   'method'        a model's own loss method, `def loss(self, x, recon, encoded, lam=1e-3)`, or a TS/JS class
 *                   method `loss(yTrue, yPred) {…}`; `className` is set.
 *   'class-field'   a TS/JS class field holding an arrow: `loss = (yTrue, yPred) => …`; `className` is set.
 *   'inline'        written where training happens, no function of its own: `loss = criterion(out, y) + lam * reg`
 *                   then `loss.backward()` (name: the variable, yPred: `out` of `out = model(x)`).
 *   'training-step' returned by a Lightning `training_step` (or its dict's 'loss'), or the loss a Keras
 *                   `train_step` differentiates under `GradientTape`; `className` is set.
 *   'add-loss'      the expression passed to `self.add_loss(...)` / `model.add_loss(...)`: a penalty on its own
 *                   (its terms are all penalties; yPred is the tensor it reads).
 *   'regularizer'   a Keras Regularizer subclass's `__call__(self, x)` or a function passed as
 *                   `activity_regularizer=`/`kernel_regularizer=`; `regularizes` says on what.
 */
export type LossKind =
  | 'function' | 'factory' | 'partial' | 'module-forward' | 'arrow'
  | 'method' | 'class-field' | 'inline' | 'training-step' | 'add-loss' | 'regularizer';

/** What a regularizer penalises: a layer's outputs (`activity_regularizer=`) or its weights (`kernel_`/`bias_`). */
export interface Regularizes {
  on: 'activity' | 'kernel' | 'bias';
  /** The layer's constructor as written (`Dense`), when a layer in the file uses it. */
  layer?: string;
  range?: SourceRange;
  /**
   * Added for issue 10 ("no silent substitution"): for an activity regularizer, the layer is the model's output layer
   * (`out = Dense(2, activity_regularizer=R())(h)` with `Model(inp, out)`, the last layer of a Sequential): its
   * activity is the prediction. Absent: a hidden layer's, or not known; the trainer passes hidden activations.
   */
  output?: true;
  /** The regularized layer's width (`Dense(UNITS, kernel_regularizer=…)` with UNITS = 16), when the file shows it. */
  units?: number;
}

export interface LossModel {
  /** `${name}:${line}` (1-based line of the definition). */
  id: string;
  name: string;
  kind: LossKind;
  framework: Framework;
  language: SourceLanguage;
  /** All parameters the loss can be configured by: the function's own, a factory's, a module's `self.x` (as `self.x`). */
  params: LossParam[];
  yTrue: string;
  yPred: string;
  /** The full returned expression (inlined). */
  body: Expr;
  terms: Term[];
  /** The parameter that weights the penalties (the most common `weightParam`), if any. */
  lambdaParam?: string;
  /** Where the definition is; `nameRange` is where the CodeLens and most diagnostics anchor. */
  range: SourceRange;
  nameRange: SourceRange;
  /** The `return` expression's range (quick fixes that rewrite the sum use it). */
  returnRange: SourceRange;
  usages: LossUsage[];
  /** The output activation of the model this loss trains, when the file shows it (`Dense(10, activation='softmax')`). */
  outputActivation?: string;
  /**
   * The width of the model's last layer, when the file shows it (`Dense(6)`, `nn.Linear(h, 6)`, its last layer
   * written): the trial gives its prediction that many outputs where the loss reads the prediction's columns.
   */
  outputUnits?: { count: number; line: number };
  /** The class a method, class field or training step is defined in (`VAE` for `VAE.loss`; `--function VAE.loss`). */
  className?: string;
  /** For kind 'regularizer': on what the penalty acts (`{ on: 'activity', layer: 'Dense' }`). */
  regularizes?: Regularizes;
  /**
   * The prediction is a tensor the code optimises directly (`const image = tf.variable(…)` in a `variableGrads` closure),
   * not a model's output: a penalty on it is on the parameters being fitted (no LL110).
   */
  optimisedDirectly?: true;
  /**
   * The user's model whose own layers the trial model stands in for, said in the panel's header: a Keras functional
   * model the loss reads the tensors of (`vae`, built from `Input` and layers; python/graphAddLoss.ts).
   */
  standsInFor?: string;
  /**
   * Values the loss reads by a module-level name that are not one literal but are built before training from literals
   * and ops (`const targetRamp = tf.linspace(0, 1, 16)`, `EYE = torch.eye(4)`, `STEP = 1.0 / N`), by name: the
   * assigned expression, read as the loss's are (its own free names are module-level too, and listed here when they
   * have such a value). The trainer evaluates each once per compiled loss, as a constant (interpreter/outside.ts).
   */
  outsideValues?: Record<string, OutsideValue>;
  /**
   * The target is the model's own input, whatever its name: a Keras graph's `Input` compared with the model's output
   * (python/graphAddLoss.ts), a loss layer placed on the input and the decoded output (python/layerInputs.ts). The
   * trainer trains an autoencoder (target = input).
   */
  targetIsInput?: true;
  /**
   * The loss is one call of another loss of the file, nothing added (`loss = model.compute_loss(out, batch)` before
   * `.backward()`, `return self.criterion(out, batch)`): that loss's name (`compute_loss`) or its class's
   * (`SurvivalCDFLoss`). A command that picks this loss by its use means that one (choose.ts).
   */
  delegatesTo?: string;
  /** A total built from this loss and a penalty that is never trained (rule LL115; python/droppedTotal.ts). */
  droppedTotal?: DroppedTotal;
}

/**
 * `total = loss + lambda_l1 * l1` while `loss.backward()` (or `tape.gradient(loss, …)`, `return loss`) trains `loss`
 * alone: { name: 'total', lossVar: 'loss', added: 'lambda_l1 * l1', range: <the assignment>, anchorRange: <the `loss`
 * the anchor trains>, anchorLine }.
 */
export interface DroppedTotal {
  name: string;
  lossVar: string;
  /** The addends beside the loss, as written (`lambda_l1 * l1`, `+ beta * kl - gamma * ent`). */
  added: string;
  range: SourceRange;
  anchorRange: SourceRange;
  /** 1-based line of the anchor. */
  anchorLine: number;
  /** The anchor is a loss function's `return` (the caller trains what it returns). */
  returned?: true;
}

/** A module-level value built from an expression (LossModel.outsideValues); `line` is 1-based, in `cell` if set. */
export interface OutsideValue {
  expr: Expr;
  line: number;
  cell?: number;
}

export interface ParseProblem {
  range: SourceRange;
  message: string;
}

/**
 * A definition that reads as a loss but gives the caller nothing to train (rule LL114): a loss function whose body
 * never returns a value (`def loss(y_true, y_pred): total = …` with no `return`), or a factory whose inner loss
 * is never returned (`def make(lam): def loss(y_true, y_pred): …` and no `return loss`).
 * Example: { name: 'make', what: 'factory-no-return', inner: 'loss', range, nameRange }.
 */
export interface NoValueLoss {
  name: string;
  what: 'no-return' | 'factory-no-return';
  /** The inner loss a factory defines but does not return. */
  inner?: string;
  range: SourceRange;
  nameRange: SourceRange;
}

/**
 * Why a whole file was not analysed (then `models` is empty and the caller keeps its last good analysis):
 *   { reason: 'timeout', message: 'not analysed: the parser gave up after 750 ms' }
 *   { reason: 'binary', message: 'not analysed: it is not text (NUL bytes)' }
 */
export interface NotAnalysed {
  reason: 'timeout' | 'binary';
  message: string;
}

export interface FileAnalysis {
  language: SourceLanguage;
  /** Set when the file was not analysed at all (a parse past its deadline, a binary file). */
  notAnalysed?: NotAnalysed;
  /** Detected from imports; undefined when the file imports no known framework. */
  framework?: Framework;
  models: LossModel[];
  /** Loss-like definitions that never return a value (rule LL114); absent when there are none. */
  noValue?: NoValueLoss[];
  /** Syntax errors: analysis carries on around them; functions that parse keep their results. */
  syntaxErrors: ParseProblem[];
}
