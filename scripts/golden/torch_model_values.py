"""Golden numbers for a loss that reads the model itself (src/trainer/interpreter/modelValues.ts), by torch's autograd.

Run with Debian's python3-torch:
    /usr/bin/python3 scripts/golden/torch_model_values.py > test/golden/torch-model-values.json

A two-layer model with fixed weights: `kernels` in the trainer's layout ([in, out], x @ W + b; nn.Linear holds the
transpose) and `biases`. Each case is a loss source (a real-shapes fixture, or one written here), the penalty term
it names, torch's value of that term on the model's weights, and the gradient of the term with respect to every
kernel (in the trainer's layout). test/unit/trainer/model-values.test.ts evaluates the same source with the
interpreter on the same weights and compares both.
  live:   next(iter(model.parameters())) is the first nn.Linear weight ([out, in]); its first row is layout-sensitive
  helper: a method walking net.named_parameters() and summing the weights' squares (biases skipped)
  frozen: K.variable(layer.get_weights()[0]) is a copy of the first kernel: torch's equivalent is .detach(), so the
          value is the kernel's and the gradient is zero
  members: named members of the model (`model.fc1.weight`, `model.out.weight[0]`, `model.out.bias`, the parameter
          `model.lora_A`): the first member read takes the first layer, one named as the output layer the last
"""
import json

import torch
import torch.nn as nn

torch.manual_seed(5)

SIZES = [(4, 6), (6, 3)]
KERNELS = [torch.randn(a, b) * 0.7 for a, b in SIZES]
BIASES = [torch.randn(b) * 0.1 for _, b in SIZES]


def rows(t):
    return t.detach().tolist()


def grads(weights):
    """Each kernel's gradient in the trainer's layout; zeros where the term does not read it (torch leaves None)."""
    return [rows(v.grad.t()) if v.grad is not None else rows(torch.zeros(v.shape[1], v.shape[0])) for v in weights]


def torch_model():
    """nn.Sequential(Linear, ReLU, Linear) holding the kernels transposed, as nn.Linear stores its weight."""
    net = nn.Sequential(nn.Linear(*SIZES[0]), nn.ReLU(), nn.Linear(*SIZES[1]))
    with torch.no_grad():
        for layer, k, b in zip([net[0], net[2]], KERNELS, BIASES):
            layer.weight.copy_(k.t())
            layer.bias.copy_(b)
    return net, [net[0].weight, net[2].weight]


LIVE_SOURCE = """import torch
import torch.nn.functional as F


def first_row_ridge(pred, target, model, lam=0.1):
    fit = F.mse_loss(pred, target)
    w = next(iter(model.parameters()))
    first_row = (w[0] ** 2).sum()
    return fit + lam * first_row
"""


def live_case():
    net, weights = torch_model()
    w = next(iter(net.parameters()))
    value = (w[0] ** 2).sum()
    value.backward()
    return {"source": LIVE_SOURCE, "term": "first_row", "value": value.item(), "kernelGrads": grads(weights)}


def helper_case():
    net, weights = torch_model()
    total = 0.0
    for pname, w in net.named_parameters():
        if pname.endswith("weight"):
            total = total + (w ** 2).sum()
    total.backward()
    return {"fixture": "torch_module_weight_decay_helper.py", "term": "shrink", "value": total.item(), "kernelGrads": grads(weights)}


def frozen_case():
    net, weights = torch_model()
    frozen = net[0].weight.detach().t()  # get_weights()[0] is the Keras kernel, [in, out]
    value = torch.sum(frozen ** 2)
    return {"fixture": "keras_frozen_weights_copy.py", "term": "l2", "value": value.item(), "kernelGrads": [rows(torch.zeros_like(k)) for k in KERNELS]}


MEMBERS_SOURCE = """import torch
import torch.nn.functional as F


def loss(pred, target, model, lam=0.1):
    fit = F.mse_loss(pred, target)
    members = torch.norm(model.fc1.weight, 1) + (model.out.weight[0] ** 2).sum() + model.out.bias.abs().sum()
    return fit + lam * members
"""

PARAMETER_SOURCE = """import torch
import torch.nn.functional as F


def loss(pred, target, model, lam=0.1):
    fit = F.mse_loss(pred, target)
    adapters = model.lora_A.abs().sum() + model.lora_B.pow(2).sum()
    return fit + lam * adapters
"""


class Named(nn.Module):
    """The same two layers under the names the member sources read: fc1 (first) and out (output)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(*SIZES[0])
        self.out = nn.Linear(*SIZES[1])
        with torch.no_grad():
            for layer, k, b in zip([self.fc1, self.out], KERNELS, BIASES):
                layer.weight.copy_(k.t())
                layer.bias.copy_(b)


def members_case():
    net = Named()
    value = torch.norm(net.fc1.weight, 1) + (net.out.weight[0] ** 2).sum() + net.out.bias.abs().sum()
    value.backward()
    return {"source": MEMBERS_SOURCE, "term": "members", "value": value.item(), "kernelGrads": grads([net.fc1.weight, net.out.weight])}


def parameter_case():
    # LoRA factors as bare nn.Parameters, [out, in] as nn.Linear holds them: lora_A takes the first layer, lora_B the second
    lora_a = nn.Parameter(KERNELS[0].t().clone())
    lora_b = nn.Parameter(KERNELS[1].t().clone())
    value = lora_a.abs().sum() + lora_b.pow(2).sum()
    value.backward()
    return {"source": PARAMETER_SOURCE, "term": "adapters", "value": value.item(), "kernelGrads": grads([lora_a, lora_b])}


print(json.dumps({
    "torch": torch.__version__,
    "kernels": [rows(k) for k in KERNELS],
    "biases": [rows(b) for b in BIASES],
    "cases": [live_case(), helper_case(), frozen_case(), members_case(), parameter_case()],
}, indent=1))
