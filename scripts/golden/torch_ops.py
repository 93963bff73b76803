"""Golden values for the PyTorch op table of the Loss Lab interpreter.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/torch_ops.py > test/golden/torch-ops.json
Each case names a torch op (a free function such as `F.cross_entropy` or a tensor method such as `.sum`), the
tensors it receives (`y_pred`, `y_true`, fixed by a seed), its other arguments and torch's output. The unit test
test/unit/interpreter/torchGolden.test.ts feeds the same inputs to the interpreter and compares within 1e-5.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(1234)

LOGITS = torch.randn(4, 3) * 2.0
PROBS = torch.softmax(torch.randn(4, 3), dim=1)
CLASSES = torch.tensor([0, 2, 1, 2])
ONEHOT = F.one_hot(CLASSES, 3).float()
REG_PRED = torch.randn(4, 3) * 1.5
REG_TRUE = torch.randn(4, 3)
BIN_PROB = torch.sigmoid(torch.randn(4, 3) * 2.0)
BIN_TRUE = (torch.rand(4, 3) > 0.5).float()
SOFT_TRUE = torch.softmax(torch.randn(4, 3), dim=1)
LOGITS3 = torch.randn(2, 3, 4)
CLASSES3 = torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])

NAMESPACES = {"torch": torch, "F": F, "nn": torch.nn}


def resolve(dotted):
    head, *rest = dotted.split(".")
    obj = NAMESPACES[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj


def to_json(v):
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        # JSON has no infinity: the test reads "inf" as `math.inf`.
        return "inf" if v > 0 else "-inf"
    if isinstance(v, (tuple, list)):
        return [to_json(x) for x in v]
    if isinstance(v, torch.Tensor):
        return v.detach().double().tolist()
    return v


def dtype_of(t):
    if t is None or t.is_floating_point():
        return "float"
    return "bool" if t.dtype == torch.bool else "int"


def case(name, op, y_pred, y_true=None, args=("y_pred", "y_true"), kwargs=None, z=None):
    """`op` is `F.x`/`torch.x` (called with args), `.x` (a method of the first arg), `@` (the matrix product of the
    two args) or `nn.X` (a loss module built with `kwargs` and called with args, the way the front end writes
    `nn.X(**kwargs)(*args)`). Args name the tensors `y_pred`, `y_true` and `z` (a third one, for `where`); a list of
    names is a list of tensors (`torch.stack([y_pred, y_true])`); anything else is a literal."""
    env = {"y_pred": y_pred, "y_true": y_true, "z": z}

    def value(a):
        if isinstance(a, str) and a in env:
            return env[a]
        if isinstance(a, list):
            return [value(x) for x in a]
        return a

    values = [value(a) for a in args]
    kwargs = kwargs or {}
    if op == "@":
        out = values[0] @ values[1]
    elif op.startswith("."):
        out = getattr(values[0], op[1:])(*values[1:], **kwargs)
    elif op.startswith("nn."):
        out = resolve(op)(**kwargs)(*values)
    else:
        out = resolve(op)(*values, **kwargs)
    result = {
        "name": name,
        "op": op,
        "args": list(args),
        "kwargs": {k: to_json(v) for k, v in kwargs.items()},
        "y_pred": to_json(y_pred),
        "y_true": to_json(y_true) if y_true is not None else None,
        "y_true_dtype": "int" if dtype_of(y_true) == "int" else "float",
        "output": to_json(out),
    }
    if z is not None:
        result["z"] = to_json(z)
        result["z_dtype"] = dtype_of(z)
    return result


P = ("y_pred",)
cases = []
for red in ("mean", "sum", "none"):
    cases += [
        case(f"F.cross_entropy class targets {red}", "F.cross_entropy", LOGITS, CLASSES, kwargs={"reduction": red}),
        case(f"F.mse_loss {red}", "F.mse_loss", REG_PRED, REG_TRUE, kwargs={"reduction": red}),
        case(f"F.l1_loss {red}", "F.l1_loss", REG_PRED, REG_TRUE, kwargs={"reduction": red}),
        case(f"F.binary_cross_entropy {red}", "F.binary_cross_entropy", BIN_PROB, BIN_TRUE, kwargs={"reduction": red}),
        case(f"F.binary_cross_entropy_with_logits {red}", "F.binary_cross_entropy_with_logits", LOGITS, BIN_TRUE, kwargs={"reduction": red}),
        case(f"F.smooth_l1_loss {red}", "F.smooth_l1_loss", REG_PRED, REG_TRUE, kwargs={"reduction": red}),
    ]
cases += [
    case("F.cross_entropy probability targets", "F.cross_entropy", LOGITS, SOFT_TRUE),
    case("F.cross_entropy one-hot targets", "F.cross_entropy", LOGITS, ONEHOT),
    case("F.cross_entropy label smoothing", "F.cross_entropy", LOGITS, CLASSES, kwargs={"label_smoothing": 0.1}),
    case("F.cross_entropy class weights", "F.cross_entropy", LOGITS, CLASSES, kwargs={"weight": torch.tensor([1.0, 2.0, 0.5])}),
    case("F.nll_loss", "F.nll_loss", torch.log_softmax(LOGITS, dim=1), CLASSES),
    case("F.smooth_l1_loss beta 0.5", "F.smooth_l1_loss", REG_PRED, REG_TRUE, kwargs={"beta": 0.5}),
    case("F.huber_loss delta 0.7", "F.huber_loss", REG_PRED, REG_TRUE, kwargs={"delta": 0.7}),
    case("F.binary_cross_entropy_with_logits pos_weight", "F.binary_cross_entropy_with_logits", LOGITS, BIN_TRUE,
         kwargs={"pos_weight": torch.tensor([1.0, 3.0, 0.5])}),
    case("F.kl_div batchmean", "F.kl_div", torch.log_softmax(LOGITS, dim=1), SOFT_TRUE, kwargs={"reduction": "batchmean"}),
    case("F.kl_div sum", "F.kl_div", torch.log_softmax(LOGITS, dim=1), SOFT_TRUE, kwargs={"reduction": "sum"}),
    case("F.softmax dim 1", "F.softmax", LOGITS, args=P, kwargs={"dim": 1}),
    case("F.log_softmax dim 0", "F.log_softmax", LOGITS, args=P, kwargs={"dim": 0}),
    case("F.relu", "F.relu", REG_PRED, args=P),
    case("F.softplus", "F.softplus", REG_PRED, args=P),
    case("torch.sigmoid", "torch.sigmoid", REG_PRED, args=P),
    case("torch.sum dim 1 keepdim", "torch.sum", REG_PRED, args=P, kwargs={"dim": 1, "keepdim": True}),
    case("torch.mean dim -1", "torch.mean", REG_PRED, args=("y_pred", -1)),
    case("torch.mean all", "torch.mean", REG_PRED, args=P),
    case("torch.clamp min", "torch.clamp", REG_PRED, args=P, kwargs={"min": 0.0}),
    case("torch.clamp min max", "torch.clamp", REG_PRED, args=("y_pred", -0.5, 0.5)),
    case("torch.abs", "torch.abs", REG_PRED, args=P),
    case("torch.square", "torch.square", REG_PRED, args=P),
    case("torch.exp", "torch.exp", REG_PRED, args=P),
    case("torch.log", "torch.log", PROBS, args=P),
    case("torch.sqrt", "torch.sqrt", PROBS, args=P),
    case("torch.logsumexp dim 1", "torch.logsumexp", LOGITS, args=("y_pred", 1)),
    case("torch.norm", "torch.norm", REG_PRED, args=P),
    case("torch.norm p1 dim 1", "torch.norm", REG_PRED, args=P, kwargs={"p": 1, "dim": 1}),
    case("torch.maximum", "torch.maximum", REG_PRED, REG_TRUE),
    case("torch.minimum", "torch.minimum", REG_PRED, REG_TRUE),
    case("torch.max all", "torch.max", REG_PRED, args=P),
    case("torch.var dim 0", "torch.var", REG_PRED, args=("y_pred", 0)),
    case("torch.std all", "torch.std", REG_PRED, args=P),
    case("torch.pow 3", "torch.pow", REG_PRED, args=("y_pred", 3)),
    case(".sum dim 1", ".sum", REG_PRED, args=P, kwargs={"dim": 1}),
    case(".sum dims (0, 1)", ".sum", REG_PRED, args=("y_pred", (0, 1))),
    case(".mean keepdim", ".mean", REG_PRED, args=("y_pred", -1), kwargs={"keepdim": True}),
    case(".abs", ".abs", REG_PRED, args=P),
    case(".pow 2", ".pow", REG_PRED, args=("y_pred", 2)),
    case(".clamp max", ".clamp", REG_PRED, args=P, kwargs={"max": 0.25}),
    case(".softmax -1", ".softmax", LOGITS, args=("y_pred", -1)),
    case(".log_softmax 1", ".log_softmax", LOGITS, args=("y_pred", 1)),
    case(".sigmoid", ".sigmoid", REG_PRED, args=P),
    case(".relu", ".relu", REG_PRED, args=P),
    case(".exp", ".exp", REG_PRED, args=P),
    case(".sub", ".sub", REG_PRED, REG_TRUE),
    case(".mul", ".mul", REG_PRED, REG_TRUE),
    case(".div", ".div", REG_PRED, PROBS + 1.0),
    case(".add alpha", ".add", REG_PRED, REG_TRUE, kwargs={"alpha": 0.5}),
    case(".norm dim 1", ".norm", REG_PRED, args=P, kwargs={"dim": 1}),
    case(".std dim 1 unbiased", ".std", REG_PRED, args=("y_pred", 1)),
    case(".max dim 1 values", ".max", REG_PRED, args=("y_pred", 1)),
    case("F.cross_entropy ignore_index -100", "F.cross_entropy", LOGITS, torch.tensor([0, -100, 1, 2])),
    case("F.cross_entropy ignore_index 2 with smoothing", "F.cross_entropy", LOGITS, CLASSES, kwargs={"ignore_index": 2, "label_smoothing": 0.1}),
    case("F.cross_entropy rank 3 (N, C, d)", "F.cross_entropy", LOGITS3, CLASSES3),
    case("F.cross_entropy rank 3 weighted sum", "F.cross_entropy", LOGITS3, CLASSES3, kwargs={"weight": torch.tensor([0.5, 1.0, 2.0]), "reduction": "sum"}),
    case("F.nll_loss weighted", "F.nll_loss", torch.log_softmax(LOGITS, dim=1), CLASSES, kwargs={"weight": torch.tensor([1.0, 2.0, 0.5])}),
    case("F.binary_cross_entropy weighted", "F.binary_cross_entropy", BIN_PROB, BIN_TRUE, kwargs={"weight": torch.tensor([1.0, 0.0, 2.0])}),
    case("torch.gather dim 1 (true-class probability)", "torch.gather", PROBS, CLASSES.unsqueeze(1), args=("y_pred", 1, "y_true")),
    case(".gather dim 0", ".gather", PROBS, torch.tensor([[1, 0, 3], [2, 2, 0]]), args=("y_pred", 0, "y_true")),
    case("torch.argmax dim 1", "torch.argmax", LOGITS, args=P, kwargs={"dim": 1}),
    case(".argmax all", ".argmax", LOGITS, args=P),
    case("F.cosine_similarity dim 1", "F.cosine_similarity", REG_PRED, REG_TRUE),
    case("F.poisson_nll_loss log input", "F.poisson_nll_loss", REG_PRED, REG_TRUE.abs() * 3),
    case("F.poisson_nll_loss full, probabilities", "F.poisson_nll_loss", PROBS + 0.5, REG_TRUE.abs() * 3, kwargs={"log_input": False, "full": True}),
    case("F.soft_margin_loss", "F.soft_margin_loss", REG_PRED, BIN_TRUE * 2 - 1),
    case("F.multilabel_soft_margin_loss", "F.multilabel_soft_margin_loss", REG_PRED, BIN_TRUE),
    case("F.hinge_embedding_loss margin 0.5", "F.hinge_embedding_loss", REG_PRED, BIN_TRUE * 2 - 1, kwargs={"margin": 0.5}),
    case("nn.MultiLabelSoftMarginLoss sum", "nn.MultiLabelSoftMarginLoss", REG_PRED, BIN_TRUE, kwargs={"reduction": "sum"}),
    case("torch.diff dim 1", "torch.diff", REG_PRED, args=P, kwargs={"dim": 1}),
    case(".diff n 2", ".diff", REG_PRED, args=P, kwargs={"n": 2, "dim": 1}),
    case("torch.cumsum dim 1", "torch.cumsum", REG_PRED, args=("y_pred", 1)),
    case("torch.linalg.vector_norm ord 3", "torch.linalg.vector_norm", REG_PRED, args=P, kwargs={"ord": 3}),
    case("nn.CrossEntropyLoss label smoothing", "nn.CrossEntropyLoss", LOGITS, CLASSES, kwargs={"label_smoothing": 0.2}),
    case("nn.MSELoss sum", "nn.MSELoss", REG_PRED, REG_TRUE, kwargs={"reduction": "sum"}),
    case("nn.L1Loss", "nn.L1Loss", REG_PRED, REG_TRUE),
    case("nn.BCEWithLogitsLoss pos_weight", "nn.BCEWithLogitsLoss", LOGITS, BIN_TRUE, kwargs={"pos_weight": torch.tensor([2.0, 1.0, 0.5])}),
    case("nn.BCELoss", "nn.BCELoss", BIN_PROB, BIN_TRUE),
    case("nn.SmoothL1Loss beta", "nn.SmoothL1Loss", REG_PRED, REG_TRUE, kwargs={"beta": 2.0}),
    case("nn.HuberLoss", "nn.HuberLoss", REG_PRED, REG_TRUE, kwargs={"delta": 0.5}),
    case("nn.KLDivLoss batchmean", "nn.KLDivLoss", torch.log_softmax(LOGITS, dim=1), SOFT_TRUE, kwargs={"reduction": "batchmean"}),
    case("nn.NLLLoss", "nn.NLLLoss", torch.log_softmax(LOGITS, dim=1), CLASSES),
]

# Criterion classes with the constructor keywords the trainer's table honours (ops/lossClasses.ts), as a held
# `criterion = nn.X(...)` passes them: reductions, class weights, pos_weight, label smoothing, ignore_index, and the
# legacy size_average/reduce read as the reduction they stand for.
CLASS_WEIGHTS = torch.tensor([1.0, 2.5, 0.5])
for red in ("mean", "sum", "none"):
    cases += [
        case(f"nn.CrossEntropyLoss weight {red}", "nn.CrossEntropyLoss", LOGITS, CLASSES, kwargs={"weight": CLASS_WEIGHTS, "reduction": red}),
        case(f"nn.CrossEntropyLoss weight label_smoothing {red}", "nn.CrossEntropyLoss", LOGITS, CLASSES, kwargs={"weight": CLASS_WEIGHTS, "label_smoothing": 0.1, "reduction": red}),
        case(f"nn.BCEWithLogitsLoss weight pos_weight {red}", "nn.BCEWithLogitsLoss", LOGITS, BIN_TRUE, kwargs={"weight": CLASS_WEIGHTS, "pos_weight": torch.tensor([2.0, 1.0, 0.5]), "reduction": red}),
        case(f"nn.BCELoss weight {red}", "nn.BCELoss", BIN_PROB, BIN_TRUE, kwargs={"weight": CLASS_WEIGHTS, "reduction": red}),
        case(f"nn.MSELoss {red}", "nn.MSELoss", REG_PRED, REG_TRUE, kwargs={"reduction": red}),
        case(f"nn.NLLLoss weight {red}", "nn.NLLLoss", torch.log_softmax(LOGITS, dim=1), CLASSES, kwargs={"weight": CLASS_WEIGHTS, "reduction": red}),
    ]
cases += [
    case("nn.CrossEntropyLoss ignore_index 2", "nn.CrossEntropyLoss", LOGITS, CLASSES, kwargs={"ignore_index": 2}),
    case("nn.CrossEntropyLoss weight ignore_index 0", "nn.CrossEntropyLoss", LOGITS, CLASSES, kwargs={"weight": CLASS_WEIGHTS, "ignore_index": 0}),
    case("nn.MSELoss legacy size_average False", "nn.MSELoss", REG_PRED, REG_TRUE, kwargs={"size_average": False}),
    case("nn.L1Loss legacy reduce False", "nn.L1Loss", REG_PRED, REG_TRUE, kwargs={"reduce": False}),
    case("nn.BCELoss legacy size_average False", "nn.BCELoss", BIN_PROB, BIN_TRUE, kwargs={"size_average": False}),
]

# Ops that real losses use beside the framework losses (issue 10): shapes, products of weights, selections, norms.
# Each case is checked against the interpreter's PyTorch spelling, and (test/unit/interpreter/spellingsGolden.test.ts)
# against its Keras/TF and TF.js spellings on the same inputs.
MAT_A = torch.randn(4, 3)
MAT_B = torch.randn(3, 5)
SQUARE = torch.randn(3, 3)
BATCH_A = torch.randn(2, 3, 4)
BATCH_B = torch.randn(2, 4, 2)
ROW = torch.randn(3)
COLUMN_MASK = torch.tensor([[True], [False], [True], [False]])
INDEX = torch.tensor([2, 0, 2])
cases += [
    case("torch.unsqueeze dim 1", "torch.unsqueeze", REG_PRED, args=("y_pred", 1)),
    case(".unsqueeze -1", ".unsqueeze", REG_PRED, args=("y_pred", -1)),
    case("torch.transpose 1 2", "torch.transpose", LOGITS3, args=("y_pred", 1, 2)),
    case(".transpose 0 1", ".transpose", MAT_A, args=("y_pred", 0, 1)),
    case(".permute 0 2 1", ".permute", LOGITS3, args=("y_pred", 0, 2, 1)),
    case("torch.permute (2, 0, 1)", "torch.permute", LOGITS3, args=("y_pred", (2, 0, 1))),
    case("torch.t", "torch.t", MAT_A, args=P),
    case("torch.stack dim 1", "torch.stack", REG_PRED, REG_TRUE, args=(["y_pred", "y_true"],), kwargs={"dim": 1}),
    case("torch.unbind dim 1", "torch.unbind", REG_PRED, args=("y_pred", 1)),
    case(".unbind", ".unbind", REG_PRED, args=P),
    case("torch.index_select dim 1", "torch.index_select", REG_PRED, INDEX, args=("y_pred", 1, "y_true")),
    case("torch.index_select dim 0", "torch.index_select", REG_PRED, INDEX, args=("y_pred", 0, "y_true")),
    case("torch.clamp tensor bounds", "torch.clamp", REG_PRED, -REG_TRUE.abs(), args=("y_pred",), kwargs={"min": -0.5, "max": 0.75}),
    case("torch.where", "torch.where", REG_PRED, REG_TRUE, args=("z", "y_pred", "y_true"), z=REG_TRUE > 0),
    case("torch.where broadcast", "torch.where", REG_PRED, ROW, args=("z", "y_pred", "y_true"), z=COLUMN_MASK),
    case("torch.maximum broadcast row", "torch.maximum", REG_PRED, ROW),
    case("torch.minimum broadcast column", "torch.minimum", REG_PRED, REG_TRUE[:, :1]),
    case("torch.logsumexp dim 1 keepdim", "torch.logsumexp", LOGITS, args=("y_pred", 1), kwargs={"keepdim": True}),
    case("torch.logsumexp dims (0, 1)", "torch.logsumexp", LOGITS, args=("y_pred", (0, 1))),
    case("torch.norm fro", "torch.norm", REG_PRED, args=P, kwargs={"p": "fro"}),
    case("torch.norm p2 dim 1", "torch.norm", REG_PRED, args=P, kwargs={"p": 2, "dim": 1}),
    case("torch.norm p1 dim 0 keepdim", "torch.norm", REG_PRED, args=P, kwargs={"p": 1, "dim": 0, "keepdim": True}),
    case("torch.linalg.norm matrix", "torch.linalg.norm", REG_PRED, args=P),
    case("torch.linalg.norm dim 1", "torch.linalg.norm", REG_PRED, args=P, kwargs={"dim": 1}),
    case("torch.linalg.norm matrix ord 1", "torch.linalg.norm", REG_PRED, args=P, kwargs={"ord": 1}),
    case("torch.linalg.norm matrix ord inf", "torch.linalg.norm", REG_PRED, args=P, kwargs={"ord": float("inf")}),
    case("torch.matmul", "torch.matmul", MAT_A, MAT_B),
    case("torch.mm", "torch.mm", MAT_A, MAT_B),
    case("@", "@", MAT_A, MAT_B),
    case("torch.matmul W.T W", "torch.matmul", MAT_A.T.contiguous(), MAT_A),
    case("torch.bmm", "torch.bmm", BATCH_A, BATCH_B),
    case("torch.matmul batched", "torch.matmul", BATCH_A, BATCH_B),
    case("torch.matmul matrix vector", "torch.matmul", MAT_A, ROW),
    case("torch.eye 3", "torch.eye", ROW, args=(3,)),
    case("torch.eye 3 4", "torch.eye", ROW, args=(3, 4)),
    case("torch.trace", "torch.trace", SQUARE, args=P),
    case("torch.diag of a matrix", "torch.diag", SQUARE, args=P),
    case("torch.diag of a vector", "torch.diag", ROW, args=P),
    case("torch.diagonal", "torch.diagonal", MAT_A, args=P),
    case("torch.outer", "torch.outer", ROW, REG_PRED[0]),
    case("torch.dot", "torch.dot", ROW, REG_PRED[0]),
    case("torch.sin", "torch.sin", REG_PRED, args=P),
    case("torch.cos", "torch.cos", REG_PRED, args=P),
    case(".repeat 2 1", ".repeat", REG_PRED, args=("y_pred", 2, 1)),
    case("torch.cat dim 1", "torch.cat", REG_PRED, REG_TRUE, args=(["y_pred", "y_true"],), kwargs={"dim": 1}),
    case("torch.arange 5", "torch.arange", ROW, args=(5,)),
    case("torch.log2", "torch.log2", PROBS, args=P),
    case("torch.log10", "torch.log10", PROBS, args=P),
    case("torch.square of a difference of neighbours (TV)", "torch.diff", BATCH_A, args=P, kwargs={"dim": 2}),
    # building targets by hand (label smoothing): fills, scatters, masks, and activation modules held by a loss
    case("torch.full_like", "torch.full_like", REG_PRED, args=("y_pred", 0.05)),
    case("torch.full", "torch.full", ROW, args=((2, 3), -0.5)),
    case(".scatter value dim 1", ".scatter", REG_PRED, CLASSES.unsqueeze(1), args=("y_pred", 1, "y_true", 0.9)),
    case(".scatter src dim 1", ".scatter", REG_PRED, torch.tensor([[2, 0], [1, 2], [0, 1], [2, 1]]), args=("y_pred", 1, "y_true", "z"), z=REG_TRUE),
    case(".scatter src dim 0", ".scatter", REG_PRED, torch.tensor([[3, 0, 1], [1, 2, 0]]), args=("y_pred", 0, "y_true", "z"), z=REG_TRUE),
    case(".masked_fill", ".masked_fill", REG_PRED, args=("y_pred", "z", -1.5), z=REG_TRUE > 0),
    case("nn.LogSoftmax dim -1", "nn.LogSoftmax", LOGITS, args=P, kwargs={"dim": -1}),
    case("nn.Softmax dim 1 on (N, C, T)", "nn.Softmax", LOGITS3, args=P, kwargs={"dim": 1}),
    case("nn.Sigmoid", "nn.Sigmoid", REG_PRED, args=P),
]

# Reordering, ranking and distances (ops/ordering.ts): ranking and trimmed losses, symmetry and shift penalties,
# the off-diagonal of a Gram matrix, metric and cluster losses. A tuple output is (values, indices).
cases += [
    case("torch.sort dim 1", "torch.sort", REG_PRED, args=P, kwargs={"dim": 1}),
    case(".sort dim 0 descending", ".sort", REG_PRED, args=P, kwargs={"dim": 0, "descending": True}),
    case("torch.argsort descending", "torch.argsort", REG_PRED, args=P, kwargs={"descending": True}),
    case("torch.topk 2", "torch.topk", REG_PRED, args=("y_pred", 2)),
    case(".topk 2 dim 0 smallest", ".topk", REG_PRED, args=("y_pred", 2), kwargs={"dim": 0, "largest": False}),
    case("torch.flip dims (1,)", "torch.flip", REG_PRED, args=("y_pred", (1,))),
    case(".flip 0 1", ".flip", LOGITS3, args=("y_pred", (0, 2))),
    case("torch.roll 1 dim 1", "torch.roll", REG_PRED, args=("y_pred", 1, 1)),
    case("torch.roll -1 dim 0", "torch.roll", REG_PRED, args=("y_pred",), kwargs={"shifts": -1, "dims": 0}),
    case("torch.roll flattened", "torch.roll", REG_PRED, args=("y_pred", 5)),
    case("torch.triu diagonal 1", "torch.triu", SQUARE, args=("y_pred", 1)),
    case("torch.tril", "torch.tril", MAT_A, args=P),
    case(".triu batched", ".triu", BATCH_A, args=P),
    case("torch.cdist", "torch.cdist", REG_PRED, MAT_A, args=("y_pred", "y_true")),
    case("torch.cdist p1", "torch.cdist", REG_PRED, MAT_A, args=("y_pred", "y_true"), kwargs={"p": 1.0}),
    case("F.pairwise_distance", "F.pairwise_distance", REG_PRED, REG_TRUE),
    case("F.pairwise_distance p1 keepdim", "F.pairwise_distance", REG_PRED, REG_TRUE, kwargs={"p": 1.0, "keepdim": True}),
    case("F.logsigmoid", "F.logsigmoid", REG_PRED, args=P),
    # einsum in the forms losses write: a Gram matrix, row-wise dots, a batched product, a whole sum, implicit output
    case("torch.einsum Gram bi,bj->ij", "torch.einsum", REG_PRED, REG_TRUE, args=("bi,bj->ij", "y_pred", "y_true")),
    case("torch.einsum row dots bi,bi->b", "torch.einsum", REG_PRED, REG_TRUE, args=("bi,bi->b", "y_pred", "y_true")),
    case("torch.einsum batched bij,bjk->bik", "torch.einsum", BATCH_A, BATCH_B, args=("bij,bjk->bik", "y_pred", "y_true")),
    case("torch.einsum total ij->", "torch.einsum", REG_PRED, args=("ij->", "y_pred")),
    case("torch.einsum implicit ij,jk", "torch.einsum", MAT_A, MAT_B, args=("ij,jk", "y_pred", "y_true")),
    case("torch.einsum transpose ij->ji", "torch.einsum", MAT_A, args=("ij->ji", "y_pred")),
]

# Elementwise math, activations, masks and splits beside the reductions (ops/mathMore.ts).
cases += [
    case("torch.erf", "torch.erf", REG_PRED, args=P),
    case("torch.expm1", "torch.expm1", REG_PRED, args=P),
    case("torch.atan2", "torch.atan2", REG_PRED, REG_TRUE),
    case("torch.xlogy with zeros", "torch.xlogy", BIN_TRUE, PROBS),
    case("torch.trunc", "torch.trunc", REG_PRED * 2, args=P),
    case("torch.logical_not", "torch.logical_not", BIN_TRUE, args=P),
    case("torch.all dim 1", "torch.all", BIN_TRUE, args=("y_pred", 1)),
    case("torch.any dim 0", "torch.any", BIN_TRUE, args=("y_pred", 0)),
    case("torch.count_nonzero dim 1", "torch.count_nonzero", BIN_TRUE, args=P, kwargs={"dim": 1}),
    case("torch.chunk 2 dim 1", "torch.chunk", REG_PRED, args=("y_pred", 2, 1)),
    case("torch.split 2 dim 0", "torch.split", REG_PRED, args=("y_pred", 2, 0)),
    case("torch.narrow", "torch.narrow", REG_PRED, args=("y_pred", 1, 1, 2)),
    case("F.gelu", "F.gelu", REG_PRED, args=P),
    case("F.silu", "F.silu", REG_PRED, args=P),
    case("F.mish", "F.mish", REG_PRED, args=P),
    case("F.selu", "F.selu", REG_PRED, args=P),
    case("F.hardtanh", "F.hardtanh", REG_PRED, args=P),
    case(".expand", ".expand", ROW, args=("y_pred", 4, -1)),
    case(".view_as", ".view_as", REG_PRED, MAT_A.T.contiguous(), args=("y_pred", "y_true")),
]

# Metric-learning and heteroscedastic losses (ops/torchPairLosses.ts), drawn from their own generator so the
# tensors above keep their values.
PAIR_GEN = torch.Generator().manual_seed(4321)
ANCHOR = torch.randn(4, 3, generator=PAIR_GEN)
POSITIVE = ANCHOR + 0.5 * torch.randn(4, 3, generator=PAIR_GEN)
NEGATIVE = torch.randn(4, 3, generator=PAIR_GEN)
SIGNS = torch.tensor([1.0, -1.0, 1.0, -1.0])
SIGNS_2D = torch.where(torch.rand(4, 3, generator=PAIR_GEN) > 0.5, 1.0, -1.0)
VARIANCE = torch.rand(4, 3, generator=PAIR_GEN) + 1e-7
VARIANCE_ROW = torch.rand(4, generator=PAIR_GEN) + 0.1
THREE = ("y_pred", "y_true", "z")
cases += [
    case("F.margin_ranking_loss margin 0.3", "F.margin_ranking_loss", ANCHOR, NEGATIVE, args=THREE, z=SIGNS_2D, kwargs={"margin": 0.3}),
    case("F.margin_ranking_loss sum", "F.margin_ranking_loss", ANCHOR, NEGATIVE, args=THREE, z=SIGNS_2D, kwargs={"reduction": "sum"}),
    case("F.triplet_margin_loss", "F.triplet_margin_loss", ANCHOR, POSITIVE, args=THREE, z=NEGATIVE),
    case("F.triplet_margin_loss p 1 swap", "F.triplet_margin_loss", ANCHOR, POSITIVE, args=THREE, z=NEGATIVE,
         kwargs={"margin": 0.5, "p": 1.0, "swap": True, "reduction": "none"}),
    case("nn.TripletMarginLoss margin 2", "nn.TripletMarginLoss", ANCHOR, POSITIVE, args=THREE, z=NEGATIVE, kwargs={"margin": 2.0}),
    case("F.cosine_embedding_loss margin 0.2", "F.cosine_embedding_loss", ANCHOR, NEGATIVE, args=THREE, z=SIGNS,
         kwargs={"margin": 0.2, "reduction": "none"}),
    case("nn.CosineEmbeddingLoss", "nn.CosineEmbeddingLoss", ANCHOR, POSITIVE, args=THREE, z=SIGNS),
    case("F.gaussian_nll_loss", "F.gaussian_nll_loss", ANCHOR, NEGATIVE, args=THREE, z=VARIANCE),
    case("F.gaussian_nll_loss full, variance per sample", "F.gaussian_nll_loss", ANCHOR, NEGATIVE, args=THREE, z=VARIANCE_ROW,
         kwargs={"full": True, "reduction": "sum"}),
    case("nn.GaussianNLLLoss eps 0.1", "nn.GaussianNLLLoss", ANCHOR, NEGATIVE, args=THREE, z=VARIANCE, kwargs={"eps": 0.1}),
    case("torch.cosine_similarity dim 1", "torch.cosine_similarity", ANCHOR, NEGATIVE),
    case("nn.CosineSimilarity dim 0", "nn.CosineSimilarity", ANCHOR, NEGATIVE, kwargs={"dim": 0}),
    case("nn.PairwiseDistance p 1", "nn.PairwiseDistance", ANCHOR, NEGATIVE, kwargs={"p": 1.0}),
]

# Further spellings (ops/torchSpellings.ts).
cases += [
    case("torch.lerp scalar weight", "torch.lerp", ANCHOR, NEGATIVE, args=("y_pred", "y_true", 0.3)),
    case("torch.lerp tensor weight", "torch.lerp", ANCHOR, NEGATIVE, args=THREE, z=VARIANCE),
    case(".lerp", ".lerp", ANCHOR, NEGATIVE, args=("y_pred", "y_true", 0.75)),
    case("torch.addmm beta alpha", "torch.addmm", REG_PRED, REG_TRUE, args=("y_true", "y_pred", "z"), kwargs={"beta": 1, "alpha": -2}, z=SQUARE),
    case(".addmm", ".addmm", REG_PRED, REG_TRUE, args=("y_true", "y_pred", "z"), kwargs={"beta": 0.5}, z=SQUARE),
    case("torch.special.entr with zeros", "torch.special.entr", BIN_PROB * BIN_TRUE, args=P),
    case("torch.special.xlogy", "torch.special.xlogy", BIN_TRUE, PROBS),
    case("F.softmin dim 1", "F.softmin", LOGITS, args=P, kwargs={"dim": 1}),
    case("torch.cumprod dim 1", "torch.cumprod", REG_PRED, args=("y_pred", 1)),
    case("torch.logcumsumexp dim 0", "torch.logcumsumexp", LOGITS, args=("y_pred", 0)),
    case(".new_zeros", ".new_zeros", REG_PRED, args=("y_pred", (2, 3))),
    case(".new_full", ".new_full", REG_PRED, args=("y_pred", (3,), 0.25)),
    case(".new_tensor", ".new_tensor", REG_PRED, args=("y_pred", [1.5, -2.0])),
    case("torch.linspace", "torch.linspace", REG_PRED, args=(0.0, 1.0, 5)),
]

# Statistics and norms of decorrelation / orthogonality penalties (ops/statistics.ts).
cases += [
    case("torch.cov rows are variables", "torch.cov", REG_PRED, args=P),
    case("torch.cov correction 0", "torch.cov", REG_PRED, args=P, kwargs={"correction": 0}),
    case(".cov", ".cov", REG_PRED.T, args=P),
    case("torch.corrcoef", "torch.corrcoef", REG_PRED, args=P),
    case("torch.linalg.matrix_norm of a batch of matrices", "torch.linalg.matrix_norm", LOGITS3, args=P),
    case("torch.linalg.matrix_norm fro dim (0, 2) keepdim", "torch.linalg.matrix_norm", LOGITS3, args=P, kwargs={"ord": "fro", "dim": (0, 2), "keepdim": True}),
    case("torch.dist", "torch.dist", REG_PRED, REG_TRUE),
    case("torch.dist p 1", "torch.dist", REG_PRED, REG_TRUE, args=("y_pred", "y_true", 1.0)),
    case(".dist p 3", ".dist", REG_PRED, REG_TRUE, args=("y_pred", "y_true", 3.0)),
    case("torch.logit", "torch.logit", BIN_PROB, args=P),
    case("torch.logit eps 0.2", "torch.logit", BIN_PROB, args=P, kwargs={"eps": 0.2}),
    case("torch.special.logit", "torch.special.logit", BIN_PROB, args=P),
]

# Pooling and padding of images (ops/torchPooling.ts), on a batch of 2 two-channel 5×6 images and a (C, H, W) one.
IMAGES = torch.randn(2, 2, 5, 6)
cases += [
    case("F.avg_pool2d kernel 2", "F.avg_pool2d", IMAGES, args=("y_pred", 2)),
    case("F.avg_pool2d kernel (2, 3) stride 1 padding 1", "F.avg_pool2d", IMAGES, args=P, kwargs={"kernel_size": (2, 3), "stride": 1, "padding": 1}),
    case("F.avg_pool2d of a (C, H, W) image", "F.avg_pool2d", LOGITS3, args=("y_pred", 2)),
    case("F.max_pool2d kernel 3 stride 2 padding 1", "F.max_pool2d", IMAGES, args=("y_pred", 3, 2, 1)),
    case("nn.AvgPool2d kernel 2 stride 1", "nn.AvgPool2d", IMAGES, args=P, kwargs={"kernel_size": 2, "stride": 1}),
    case("nn.MaxPool2d kernel 2", "nn.MaxPool2d", IMAGES, args=P, kwargs={"kernel_size": 2}),
    case("F.pad constant", "F.pad", IMAGES, args=("y_pred", (1, 2, 0, 1)), kwargs={"value": 0.5}),
    case("F.pad reflect", "F.pad", IMAGES, args=("y_pred", (1, 1, 2, 1)), kwargs={"mode": "reflect"}),
]

# Indices of non-zero elements (ops/torchSpellings.ts nonzero): a 0/1 matrix, and a 3-D one for the row-major order.
cases += [
    case("torch.nonzero", "torch.nonzero", BIN_TRUE, args=P),
    case(".nonzero", ".nonzero", BIN_TRUE, args=P),
    case(".nonzero as_tuple", ".nonzero", BIN_TRUE, args=P, kwargs={"as_tuple": True}),
    case("torch.argwhere 3-D", "torch.argwhere", (LOGITS3 > 0).float(), args=P),
]

# Functions and tensor methods of ops/torchMore.ts, ops/orderStats.ts, ops/arrange.ts and ops/elementwise.ts (JSON has
# no NaN: nanmean, isinf and isfinite on NaN/inf inputs are checked by hand in test/unit/interpreter/opsMore.test.ts).
UNIT = torch.tanh(REG_PRED)  # inside (-1, 1), for acos/asin
ODD = torch.randn(5, 3)
QS = torch.tensor([0.1, 0.5, 0.75])
STEPS = torch.tensor([[0.0, -1.5, 2.0], [1.0, 0.0, -0.2], [0.0, 0.3, 0.0], [-2.0, 0.0, 1.0]])
VEC3 = torch.randn(4, 3)
ORDER = torch.tensor([[2, 0, 1], [1, 1, 0], [0, 2, 2], [2, 1, 0]])
cases += [
    case("torch.median all (even count: the lower one)", "torch.median", REG_PRED, args=P),
    case(".median all odd count", ".median", ODD, args=P),
    case("torch.median dim 0 (values, indices)", "torch.median", ODD, args=("y_pred", 0)),
    case(".median dim 1 keepdim", ".median", REG_PRED, args=("y_pred", 1), kwargs={"keepdim": True}),
    case("torch.quantile 0.3 all", "torch.quantile", REG_PRED, args=("y_pred", 0.3)),
    case("torch.quantile tensor q dim 0", "torch.quantile", ODD, QS, args=("y_pred", "y_true"), kwargs={"dim": 0}),
    case(".quantile dim 1 keepdim", ".quantile", REG_PRED, args=("y_pred", 0.8), kwargs={"dim": 1, "keepdim": True}),
    case("torch.quantile lower", "torch.quantile", ODD, args=("y_pred", 0.3), kwargs={"dim": 0, "interpolation": "lower"}),
    case("torch.quantile higher", "torch.quantile", ODD, args=("y_pred", 0.3), kwargs={"dim": 0, "interpolation": "higher"}),
    case("torch.quantile midpoint", "torch.quantile", ODD, args=("y_pred", 0.3), kwargs={"dim": 0, "interpolation": "midpoint"}),
    case("torch.quantile nearest", "torch.quantile", ODD, args=("y_pred", 0.6), kwargs={"dim": 0, "interpolation": "nearest"}),
    case("torch.remainder by a number", "torch.remainder", REG_PRED, args=("y_pred", 0.7)),
    case("torch.remainder by a tensor", "torch.remainder", REG_PRED, REG_TRUE, args=("y_pred", "y_true")),
    case(".fmod by a number", ".fmod", REG_PRED, args=("y_pred", 0.7)),
    case("torch.fmod by a tensor", "torch.fmod", REG_PRED, REG_TRUE, args=("y_pred", "y_true")),
    case("torch.acos", "torch.acos", UNIT, args=P),
    case(".arccos", ".arccos", UNIT, args=P),
    case("torch.asin", "torch.asin", UNIT, args=P),
    case("torch.arcsin", "torch.arcsin", UNIT, args=P),
    case("torch.arctan", "torch.arctan", REG_PRED, args=P),
    case("torch.hypot", "torch.hypot", REG_PRED, REG_TRUE),
    case("torch.logaddexp", "torch.logaddexp", REG_PRED, REG_TRUE),
    case(".logaddexp", ".logaddexp", LOGITS, REG_TRUE),
    case("torch.erfc", "torch.erfc", REG_PRED, args=P),
    case("torch.deg2rad", "torch.deg2rad", REG_PRED, args=P),
    case(".rad2deg", ".rad2deg", REG_PRED, args=P),
    case("torch.sinc", "torch.sinc", STEPS, args=P),
    case("torch.heaviside", "torch.heaviside", STEPS, torch.tensor([0.5]), args=("y_pred", "y_true")),
    case("torch.hstack", "torch.hstack", REG_PRED, REG_TRUE, args=(["y_pred", "y_true"],)),
    case("torch.hstack 1-D", "torch.hstack", QS, torch.tensor([1.0, 2.0]), args=(["y_pred", "y_true"],)),
    case("torch.vstack 1-D rows", "torch.vstack", QS, torch.tensor([1.0, 2.0, 3.0]), args=(["y_pred", "y_true"],)),
    case("torch.vstack", "torch.vstack", REG_PRED, REG_TRUE, args=(["y_pred", "y_true"],)),
    case("torch.tile fewer reps", "torch.tile", REG_PRED, args=("y_pred", (2,))),
    case(".tile more reps", ".tile", REG_PRED, args=("y_pred", (2, 1, 2))),
    case("torch.ravel", "torch.ravel", LOGITS3, args=P),
    case("torch.broadcast_to", "torch.broadcast_to", QS, args=("y_pred", (2, 3))),
    case("torch.take_along_dim dim 1", "torch.take_along_dim", REG_PRED, ORDER, args=("y_pred", "y_true", 1)),
    case(".take_along_dim dim 0", ".take_along_dim", REG_PRED, ORDER[:2], args=("y_pred", "y_true", 0)),
    case("torch.take_along_dim flat", "torch.take_along_dim", REG_PRED, torch.tensor([0, 5, 11, 5]), args=("y_pred", "y_true")),
    case("torch.diag_embed", "torch.diag_embed", REG_PRED, args=P),
    case("torch.tensordot dims 1", "torch.tensordot", REG_PRED, REG_TRUE.T, args=("y_pred", "y_true", 1)),
    case("torch.tensordot dims 2", "torch.tensordot", LOGITS3, torch.randn(3, 4, 2), args=("y_pred", "y_true")),
    case("torch.tensordot axis lists", "torch.tensordot", LOGITS3, torch.randn(4, 2), args=("y_pred", "y_true", ([2], [0]))),
    case("torch.cross dim 1", "torch.cross", VEC3, REG_TRUE, args=("y_pred", "y_true", 1)),
    case("torch.linalg.cross", "torch.linalg.cross", VEC3, REG_TRUE),
    case(".cross first axis of size 3", ".cross", torch.randn(3, 2), torch.randn(3, 2)),
    case("torch.cummax dim 1", "torch.cummax", REG_PRED, args=("y_pred", 1)),
    case(".cummax dim 0 with ties", ".cummax", STEPS, args=("y_pred", 0)),
]

# F.* activations of ops/torchMore.ts (inputs spread over the kinks at −3, 0, 3 and 6).
WIDE = REG_PRED * 3.0
cases += [
    case("F.relu6", "F.relu6", WIDE, args=P),
    case("F.softsign", "F.softsign", WIDE, args=P),
    case("F.hardsigmoid", "F.hardsigmoid", WIDE, args=P),
    case("F.hardswish", "F.hardswish", WIDE, args=P),
    case("F.tanhshrink", "F.tanhshrink", REG_PRED, args=P),
    case("F.softshrink", "F.softshrink", REG_PRED, args=P),
    case("F.softshrink lambd 1", "F.softshrink", REG_PRED, args=("y_pred", 1.0)),
    case("F.threshold", "F.threshold", REG_PRED, args=("y_pred", 0.1, -2.0)),
    case("F.glu dim -1", "F.glu", torch.randn(3, 4), args=P),
    case("F.glu dim 0", "F.glu", REG_PRED, args=P, kwargs={"dim": 0}),
    case("nn.ReLU6", "nn.ReLU6", WIDE, args=P),
    case("nn.Hardswish", "nn.Hardswish", WIDE, args=P),
    case("nn.Softsign", "nn.Softsign", WIDE, args=P),
    case("nn.Softshrink lambd 0.3", "nn.Softshrink", REG_PRED, args=P, kwargs={"lambd": 0.3}),
    case("nn.Threshold", "nn.Threshold", REG_PRED, args=P, kwargs={"threshold": 0.1, "value": -1.0}),
    case("nn.GLU dim 0", "nn.GLU", REG_PRED, args=P, kwargs={"dim": 0}),
]

# Convolutions with a given weight, 1-D pools, adaptive pooling, interpolation, layer norm, dropout (ops/torchConv.ts).
SEQ = torch.randn(2, 3, 7)
cases += [
    case("F.conv2d", "F.conv2d", IMAGES, torch.randn(3, 2, 3, 3)),
    case("F.conv2d stride 2 padding 1 bias", "F.conv2d", IMAGES, torch.randn(4, 2, 3, 2), z=torch.randn(4),
         args=("y_pred", "y_true", "z"), kwargs={"stride": 2, "padding": 1}),
    case("F.conv2d padding same dilation 2", "F.conv2d", IMAGES, torch.randn(1, 2, 2, 3), kwargs={"padding": "same", "dilation": 2}),
    case("F.conv2d groups 2 (depthwise)", "F.conv2d", IMAGES, torch.randn(4, 1, 3, 3), kwargs={"groups": 2, "padding": 1}),
    case("F.conv2d of a (C, H, W) image", "F.conv2d", IMAGES[0], torch.randn(1, 2, 2, 2)),
    case("F.conv1d", "F.conv1d", SEQ, torch.randn(2, 3, 3)),
    case("F.conv1d padding 2 stride 2", "F.conv1d", SEQ, torch.randn(4, 3, 2), kwargs={"padding": 2, "stride": 2}),
    case("F.conv1d padding same", "F.conv1d", SEQ, torch.randn(1, 3, 4), kwargs={"padding": "same"}),
    case("F.avg_pool1d", "F.avg_pool1d", SEQ, args=("y_pred", 2)),
    case("F.avg_pool1d stride 1 padding 1", "F.avg_pool1d", SEQ, args=("y_pred", 3, 1, 1)),
    case("F.max_pool1d", "F.max_pool1d", SEQ, args=("y_pred", 3), kwargs={"stride": 2}),
    case("F.adaptive_avg_pool2d divides", "F.adaptive_avg_pool2d", IMAGES, args=("y_pred", (1, 3))),
    case("F.adaptive_avg_pool2d uneven bins", "F.adaptive_avg_pool2d", IMAGES, args=("y_pred", (2, 4))),
    case("F.adaptive_avg_pool2d 1", "F.adaptive_avg_pool2d", IMAGES, args=("y_pred", 1)),
    case("F.interpolate nearest scale 2", "F.interpolate", IMAGES, args=P, kwargs={"scale_factor": 2}),
    case("F.interpolate nearest size", "F.interpolate", IMAGES, args=P, kwargs={"size": (3, 4)}),
    case("F.interpolate nearest 1-D", "F.interpolate", SEQ, args=P, kwargs={"scale_factor": 3, "mode": "nearest"}),
    case("F.layer_norm", "F.layer_norm", REG_PRED, args=("y_pred", (3,))),
    case("F.layer_norm two axes weight bias", "F.layer_norm", LOGITS3, torch.randn(3, 4), z=torch.randn(3, 4),
         args=("y_pred", (3, 4), "y_true", "z"), kwargs={"eps": 1e-3}),
    case("F.dropout not training", "F.dropout", REG_PRED, args=P, kwargs={"p": 0.3, "training": False}),
    case("F.dropout p 0", "F.dropout", REG_PRED, args=("y_pred", 0.0)),
]

json.dump({"torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
