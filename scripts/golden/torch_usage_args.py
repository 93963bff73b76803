"""Golden numbers for the tensors the trial gives arguments read by their use (src/trainer/tensorUsage.ts,
src/trainer/syntheticArgs.ts, src/trainer/mappedLoss.ts), computed by torch on the fixtures' own formulas.

Run with Debian's python3-torch:
    /usr/bin/python3 scripts/golden/torch_usage_args.py > test/golden/torch-usage-args.json

Each case: the fixture, the term, the fixed prediction, targets and hidden activations h (or weights), the value of
the term with the argument given as the trainer gives it, and, where the gradient matters, the gradient of the term
with respect to h (the embedding block and the model's scalar) or to the weights (a list read through .data: none).
  level        tau = (j + 1/2) / P per output column
  embedding    negative = h[:, :P] (the first block as wide as the prediction)
  weight-list  params = the weight matrices in torch layout ([out, in]); biases left out
"""
import json
import math

import torch
import torch.nn.functional as F

torch.manual_seed(23)


def rows(t):
    return t.detach().tolist()


B, P, UNITS = 5, 4, 16
pred = torch.randn(B, P)
target = torch.randn(B, P)
h = (torch.rand(B, UNITS) * 1.2).requires_grad_()
tau = torch.tensor([(j + 0.5) / P for j in range(P)]).reshape(1, P)


def quantile_check():
    diff = pred - target
    mask = (diff.ge(0).float() - tau).detach()
    return (mask * diff).mean()


def smooth_pinball(alpha=0.01):
    error = target - pred
    return torch.mean(tau * error + alpha * F.softplus(-error / alpha))


def triplet_ranking(margin=0.2):
    negative = h[:, :P]
    pos = F.cosine_similarity(pred, target, dim=1)
    neg = F.cosine_similarity(pred, negative, dim=1)
    return torch.relu(margin + neg - pos).mean()


def case(fixture, term, value_fn, grad=True):
    if h.grad is not None:
        h.grad = None
    value = value_fn()
    out = {"fixture": fixture, "term": term, "value": value.item()}
    if grad and value.requires_grad:
        value.backward()
        out["gradH"] = rows(h.grad)
    return out


def weight_list_case():
    # the trainer's [in, out] kernels and biases; the loss reads nn.Linear's [out, in]
    kernels = [torch.randn(3, UNITS), torch.randn(UNITS, P)]
    biases = [torch.randn(UNITS), torch.randn(P)]
    params = [k.t() for k in kernels]
    l1 = sum(p.abs().sum() for p in params)
    data_norm = sum(p.data.norm(dim=1).pow(2).sum() for p in params)
    return {
        "kernels": [rows(k) for k in kernels],
        "biases": [rows(b) for b in biases],
        "l1": l1.item(),
        "dataNorm": data_norm.item(),
    }


print(json.dumps({
    "torch": torch.__version__,
    "pred": rows(pred),
    "target": rows(target),
    "h": rows(h),
    "cases": [
        case("torch_module_quantile_tau_indicator_crossing.py", "check", quantile_check, grad=False),
        case("ward_keras_fn_smooth_pinball_crossing_kappa_default.py", "quantile_loss", smooth_pinball, grad=False),
        case("torch_module_triplet_cosine_negative_norms.py", "ranking", triplet_ranking),
    ],
    "weightList": weight_list_case(),
}, indent=1))
