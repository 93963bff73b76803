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
    ("variance and norms", """
def spread_loss(pred, target, lam=0.3):
    base = F.huber_loss(pred, target, delta=0.8)
    spread = pred.std(dim=0).mean() + torch.norm(pred, p=1, dim=1).mean() / pred.shape[1]
    return base + lam * spread
""", "reg"),
]

N, C = 6, 4
INPUTS = {
    "reg": (torch.randn(N, C) * 1.2 + 0.4, torch.rand(N, C)),
    "cls": (torch.randn(N, C) * 2.0, torch.randint(0, C, (N,))),
    "bin": (torch.randn(N, C) * 2.0, (torch.rand(N, C) > 0.5).float()),
}


def evaluate(source):
    scope = {"torch": torch, "nn": nn, "F": F}
    exec(compile(source, "<fixture>", "exec"), scope)
    fn = [v for k, v in scope.items() if k not in ("torch", "nn", "F") and callable(v)][0]
    if isinstance(fn, type):
        fn = fn()
    return fn


cases = []
for name, body, kind in LOSSES:
    pred, target = INPUTS[kind]
    fn = evaluate(body)
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
