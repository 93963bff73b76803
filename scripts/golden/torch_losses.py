"""Golden totals for whole PyTorch loss functions, end to end.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/torch_losses.py > test/golden/torch-losses.json
Each entry is the source of a loss function (our own fixtures, written here), fixed inputs, and the value torch
gives for the whole loss. test/unit/interpreter/torchLosses.test.ts analyses the same source with the Python front
end, evaluates it with the interpreter on the same inputs and compares the total within 1e-5.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"

LOSSES = [
    ("sum to one on softmax-free outputs", """
def sum_to_one_loss(pred, target, lam=0.5):
    base = F.mse_loss(pred, target)
    sum_penalty = torch.abs(pred.sum(dim=-1) - 1.0).mean()
    return base + lam * sum_penalty
""", "reg"),
    ("bounds with clamp and squares", """
def bounded_loss(pred, target, lower=0.0, upper=1.0, lam=10.0):
    base = F.l1_loss(pred, target)
    lower_penalty = (torch.clamp(lower - pred, min=0.0) ** 2).mean()
    upper_penalty = (torch.clamp(pred - upper, min=0.0) ** 2).mean()
    return base + lam * (lower_penalty + upper_penalty)
""", "reg"),
    ("monotone outputs with slices", """
def monotone_loss(pred, target, margin=0.05, lam=2.0):
    base = F.smooth_l1_loss(pred, target, beta=0.5)
    drops = torch.clamp(pred[:, :-1] - pred[:, 1:] + margin, min=0.0)
    return base + lam * (drops ** 2).mean()
""", "reg"),
    ("cross-entropy on logits with an entropy bonus subtracted", """
def ce_entropy(logits, labels, beta=0.1):
    ce = F.cross_entropy(logits, labels, label_smoothing=0.05)
    p = F.softmax(logits, dim=1)
    entropy = -(p * torch.log(p + 1e-8)).sum(dim=1).mean()
    return ce - beta * entropy
""", "cls"),
    ("non-negativity with where and comparisons", """
def nonneg_loss(pred, target, lam=3.0):
    base = torch.mean((pred - target) ** 2)
    neg = torch.where(pred < 0, pred ** 2, torch.zeros_like(pred))
    frac = (pred < 0).float().mean()
    return base + lam * neg.mean() + 0.1 * frac
""", "reg"),
    ("module with self.lam and a BCE-with-logits base", """
class SparseBCE(nn.Module):
    def __init__(self, lam=0.2):
        super().__init__()
        self.lam = lam

    def forward(self, logits, target):
        base = F.binary_cross_entropy_with_logits(logits, target)
        probs = torch.sigmoid(logits)
        return base + self.lam * probs.abs().mean()
""", "bin"),
    # Scope the analysis resolves (issue 10 §1): each case is read by the front end with its module, class and
    # factory around it, and the trainer must compute what torch computes for the loss as Python runs it.
    ("a list constant iterated by enumerate, a module weight, a static branch in the loop", """
QUANTILES = [0.1, 0.5, 0.9]
CROSS_WEIGHT = 1.5


def quantile_loss(preds, target):
    pinball = 0.0
    crossing = 0.0
    for i, q in enumerate(QUANTILES):
        err = target[:, i] - preds[:, i]
        pinball = pinball + torch.mean(torch.max(q * err, (q - 1) * err))
        if i > 0:
            crossing = crossing + torch.relu(preds[:, i - 1] - preds[:, i]).mean()
    return pinball + CROSS_WEIGHT * crossing
""", "reg"),
    ("a range loop over a module constant, written with backslash continuations", """
N_OUT = 4


def monotone_loss(pred, target, lam=0.4):
    base = torch.mean((pred - target) ** 2)
    drops = 0.0
    for i in range(N_OUT - 1):
        drops = drops + \
            torch.relu(pred[:, i] - \
                       pred[:, i + 1]).mean()
    return base + \
        lam * drops
""", "reg"),
    ("factory closure values unpacked from a tuple passed where the factory is called", """
def make_loss(settings):
    tol, lam = settings

    def simplex_loss(pred, target):
        base = F.mse_loss(pred, target)
        excess = torch.relu(torch.abs(pred.sum(dim=-1) - 1.0) - tol).mean()
        return base + lam * excess

    return simplex_loss


criterion = make_loss((0.05, 0.7))
""", "reg", "criterion"),
    ("a settings class's attribute as the weight", """
class Weights:
    z_loss = 0.02
    margin = 0.25


def z_loss(logits, labels):
    ce = F.cross_entropy(logits, labels)
    z = torch.relu(torch.logsumexp(logits, dim=1) - Weights.margin).pow(2).mean()
    return ce + Weights.z_loss * z
""", "cls", "z_loss"),
    ("a module whose constructor default is a tuple of per-output weights", """
class WeightedL1(nn.Module):
    def __init__(self, weights=(0.5, 1.0, 2.0, 4.0), lam=0.3):
        super().__init__()
        self.weights = weights
        self.lam = lam

    def forward(self, pred, target):
        w = torch.tensor(self.weights)
        base = (w * (pred - target).abs()).mean()
        return base + self.lam * torch.relu(-pred).mean()
""", "reg"),
    ("a module whose bounds are registered buffers", """
class BufferedBounds(nn.Module):
    def __init__(self, low=-0.2, high=0.7, weight=2.5):
        super().__init__()
        self.register_buffer("low", torch.tensor(low))
        self.register_buffer("high", torch.tensor(high))
        self.weight = weight

    def forward(self, pred, target):
        fit = F.mse_loss(pred, target)
        outside = torch.relu(pred - self.high).pow(2).mean() + torch.relu(self.low - pred).pow(2).mean()
        return fit + self.weight * outside
""", "reg"),
    ("label smoothing built in place under no_grad, with a LogSoftmax module", """
class SmoothedCE(nn.Module):
    def __init__(self, eps=0.2, lam=0.05):
        super().__init__()
        self.eps = eps
        self.lam = lam
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, logits, labels):
        log_probs = self.log_softmax(logits)
        with torch.no_grad():
            soft = torch.full_like(log_probs, self.eps / (logits.shape[1] - 1))
            soft.scatter_(1, labels.unsqueeze(1), 1.0 - self.eps)
        smoothed = -torch.sum(soft * log_probs, dim=1).mean()
        return smoothed + self.lam * (logits ** 2).mean()
""", "cls"),
    ("modules built with positional arguments: a class weight and a softmax axis", """
class WeightedShare(nn.Module):
    def __init__(self, lam=0.3):
        super().__init__()
        self.lam = lam
        self.ce = nn.CrossEntropyLoss(torch.tensor([1.0, 2.0, 0.5, 1.5]))
        self.batch_share = nn.Softmax(0)

    def forward(self, logits, labels):
        share = self.batch_share(logits)
        return self.ce(logits, labels) + self.lam * (share ** 2).sum(dim=0).mean()
""", "cls"),
    ("variance and norms", """
def spread_loss(pred, target, lam=0.3):
    base = F.huber_loss(pred, target, delta=0.8)
    spread = pred.std(dim=0).mean() + torch.norm(pred, p=1, dim=1).mean() / pred.shape[1]
    return base + lam * spread
""", "reg"),
    ("boolean masks combined with &, | and ~, then made floats", """
def window_loss(pred, target, lo=0.2, hi=1.0, lam=2.0):
    base = F.mse_loss(pred, target)
    inside = (target >= lo) & (target <= hi)
    outside = ~inside
    off = (pred < 0.0) | (pred > 1.5)
    both = outside & off | (inside ^ (pred > target))
    flip = torch.logical_xor(pred > 0.5, torch.logical_not(target > 0.5))
    return base + lam * ((pred ** 2) * both.float()).mean() + 0.1 * (pred * flip.float()).mean()
""", "reg"),
]

N, C = 6, 4
INPUTS = {
    "reg": (torch.randn(N, C) * 1.2 + 0.4, torch.rand(N, C)),
    "cls": (torch.randn(N, C) * 2.0, torch.randint(0, C, (N,))),
    "bin": (torch.randn(N, C) * 2.0, (torch.rand(N, C) > 0.5).float()),
}


def evaluate(source, entry=None):
    scope = {"torch": torch, "nn": nn, "F": F}
    exec(compile(source, "<fixture>", "exec"), scope)
    # the loss is the first callable defined, or the one the case names (`criterion = make_loss(...)`)
    fn = scope[entry] if entry else [v for k, v in scope.items() if k not in ("torch", "nn", "F") and callable(v)][0]
    if isinstance(fn, type):
        fn = fn()
    return fn


cases = []
for name, body, kind, *entry in LOSSES:
    pred, target = INPUTS[kind]
    fn = evaluate(body, *entry)
    total = fn(pred, target)
    cases.append({
        "name": name,
        "source": HEADER + body.lstrip("\n"),
        "pred": pred.tolist(),
        "target": target.tolist(),
        "target_dtype": "int" if kind == "cls" else "float",
        "total": float(total),
    })

json.dump({"torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
