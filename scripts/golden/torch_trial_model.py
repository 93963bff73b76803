"""Golden numbers for the trial model's mappings of extra tensor arguments (src/trainer/model/vae.ts,
src/trainer/mappedLoss.ts), computed by torch's autograd.

Run with Debian's python3-torch:
    /usr/bin/python3 scripts/golden/torch_trial_model.py > test/golden/torch-trial-model.json

vae: a VAE with fixed weights ([in, out] kernels, x @ W + b), batch and noise eps: its outputs, the head
  [mu | logvar], the sample z, and the gradients of every kernel and bias for
  loss = mse(out, x) + beta * KL(mu, logvar) + gamma * mean(z ** 2) (a term on the sample, as a Monte Carlo KL has);
  test/unit/trainer/vae.test.ts checks the hand-written backward pass against them.
views: fixed hidden activations h, weights and targets; the penalty each real-shapes fixture computes on the view
  the trainer cuts for its argument (`trans` = h[:, :k*k] as [B, k, k]; two feature arguments = two blocks of h;
  mu, logvar = the VAE head's halves; `enc_weight` = the kernel transposed (rows = output units, as nn.Linear); `group` = the targets' last column).
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(11)


def rows(t):
    return t.detach().tolist()


def vae_case():
    B, n_in, hidden, d, n_out = 5, 6, 7, 3, 6
    sizes = [(n_in, hidden), (hidden, 2 * d), (d, hidden), (hidden, n_out)]
    kernels = [(torch.randn(a, b) * 0.5).requires_grad_() for a, b in sizes]
    biases = [(torch.randn(b) * 0.1).requires_grad_() for _, b in sizes]
    x = torch.randn(B, n_in)
    eps = torch.randn(B, d)
    a1 = torch.relu(x @ kernels[0] + biases[0])
    head = a1 @ kernels[1] + biases[1]
    mu, logvar = head[:, :d], head[:, d:]
    z = mu + torch.exp(0.5 * logvar) * eps
    dec = torch.relu(z @ kernels[2] + biases[2])
    out = dec @ kernels[3] + biases[3]
    beta, gamma = 0.3, 0.1
    kl = torch.mean(-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
    loss = F.mse_loss(out, x) + beta * kl + gamma * z.pow(2).mean()
    loss.backward()
    return {
        "sizes": {"batch": B, "inputs": n_in, "hidden": hidden, "latent": d, "outputs": n_out},
        "beta": beta,
        "gamma": gamma,
        "kernels": [rows(k) for k in kernels],
        "biases": [rows(b) for b in biases],
        "x": rows(x),
        "eps": rows(eps),
        "out": rows(out),
        "head": rows(head),
        "z": rows(z),
        "loss": loss.item(),
        "kernelGrads": [rows(k.grad) for k in kernels],
        "biasGrads": [rows(b.grad) for b in biases],
    }


ROW_NORM_SOURCE = """import torch
import torch.nn.functional as F


def row_norm_loss(pred, target, enc_weight, lam=0.1):
    fit = F.mse_loss(pred, target)
    row_norms = torch.max(torch.sum(enc_weight ** 2, dim=1))
    return fit + lam * row_norms
"""


def view_cases():
    B, units = 6, 32
    h = torch.rand(B, units) * 1.5
    cases = []

    k = int(units ** 0.5)
    trans = h[:, : k * k].reshape(B, k, k)
    identity = torch.eye(k)
    ortho = torch.norm(identity - torch.bmm(trans, trans.transpose(1, 2)), dim=(1, 2)).mean()
    cases.append({"fixture": "torch_module_transform_regulariser.py", "term": "ortho", "units": units, "h": rows(h), "value": ortho.item()})

    common, specific = h[:, :16], h[:, 16:]
    overlap = (common.t() @ specific).pow(2).mean()
    cases.append({"fixture": "torch_module_feature_orthogonality.py", "term": "overlap", "units": units, "h": rows(h), "value": overlap.item()})

    codes_l1 = h.abs().mean()
    cases.append({"fixture": "torch_fn_sparse_codes.py", "term": "code_l1", "units": units, "h": rows(h), "value": codes_l1.item()})

    d = 4
    head = torch.randn(B, 2 * d)
    mu, logvar = head[:, :d], head[:, d:]
    kl = torch.mean(-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
    cases.append({"fixture": "torch_fn_vae_mu_logvar.py", "term": "kl", "units": 2 * d, "latent": d, "h": rows(head), "value": kl.item()})

    enc_in, enc_out = 5, units
    kernel = torch.randn(enc_in, enc_out)  # the trainer's [in, out] kernel; PyTorch code reads its .T ([out, in])
    enc_weight = kernel.t()
    row_norms = torch.sum(enc_weight ** 2, dim=1)
    cases.append({
        "source": ROW_NORM_SOURCE, "term": "row_norms", "units": enc_out, "kernel": rows(kernel),
        "value": torch.max(row_norms).item(),
    })

    logits = torch.randn(8, 1)
    labels = (torch.rand(8, 1) > 0.5).float()
    group = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]).reshape(8, 1)
    p = torch.sigmoid(logits)
    g = group.reshape(-1)
    gap = (p[g == 1].mean() - p[g == 0].mean()) ** 2
    cases.append({
        "fixture": "torch_module_demographic_parity.py", "term": "gap", "units": units,
        "pred": rows(logits), "targets": rows(torch.cat([labels, group], dim=1)), "value": gap.item(),
    })
    return cases


print(json.dumps({"torch": torch.__version__, "vae": vae_case(), "views": view_cases()}, indent=1))
