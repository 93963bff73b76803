// torch's positional constructor arguments of its common losses, shared by the analysis (what
// `super().__init__(a, b, c)` of a subclass binds) and the trainer (what `nn.MSELoss(…)` binds).
export const TORCH_LOSS_CTOR_PARAMS: Readonly<Record<string, readonly string[]>> = {
  MSELoss: ['size_average', 'reduce', 'reduction'],
  L1Loss: ['size_average', 'reduce', 'reduction'],
  SmoothL1Loss: ['size_average', 'reduce', 'reduction', 'beta'],
  HuberLoss: ['reduction', 'delta'],
  KLDivLoss: ['size_average', 'reduce', 'reduction', 'log_target'],
  BCELoss: ['weight', 'size_average', 'reduce', 'reduction'],
  BCEWithLogitsLoss: ['weight', 'size_average', 'reduce', 'reduction', 'pos_weight'],
  CrossEntropyLoss: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'],
  NLLLoss: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'],
};
