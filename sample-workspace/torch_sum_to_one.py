# PyTorch: cross-entropy on the logits plus a squared sum-to-one penalty on the sigmoid probabilities.
import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))


def constrained_loss(logits, target, lam=1.0):
    base = F.cross_entropy(logits, target)
    probs = torch.sigmoid(logits)
    sum_penalty = torch.mean((probs.sum(dim=-1) - 1.0) ** 2)
    return base + lam * sum_penalty


optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
x = torch.randn(64, 8)
y = torch.randint(0, 4, (64,))
for step in range(100):
    optimizer.zero_grad()
    loss = constrained_loss(model(x), y, lam=1.0)
    loss.backward()
    optimizer.step()
