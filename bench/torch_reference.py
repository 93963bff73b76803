"""PyTorch reference for bench/trainer.ts: the seed article's first example (sum-to-one constrained
categorical cross-entropy, Keras semantics) on an MLP 32-64-64-10, batch 64, Adam, on the CPU.

Prints one JSON line: {"torch": version, "threads": n, "runs": K, "steps": n, "stepsPerSecond": x,
"stepsPerCpuSecond": x, "finalLoss": y}. Steps per CPU second (process time) is the figure that holds on a busy machine.
Run with Debian's python3-torch: /usr/bin/python3 bench/torch_reference.py --steps 500 --runs 1
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def keras_categorical_crossentropy(y_true, y_pred):
    # Keras: normalise the probabilities, clip to [eps, 1 - eps], per-sample sum, batch mean.
    eps = 1e-7
    y_pred = y_pred / y_pred.sum(dim=-1, keepdim=True)
    y_pred = y_pred.clamp(eps, 1 - eps)
    return -(y_true * torch.log(y_pred)).sum(dim=-1)


def constrained_loss(y_true, y_pred, lambda_param=1.0):
    cross_entropy = keras_categorical_crossentropy(y_true, y_pred).mean()
    sum_penalty = torch.mean(torch.abs(torch.sum(y_pred, dim=-1) - 1.0))
    return cross_entropy + lambda_param * sum_penalty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1, help="independent models trained one after another per step")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)

    def make_model():
        # Sigmoid outputs: the same model the trainer builds for this loss (a softmax would satisfy the constraint
        # by construction).
        return torch.nn.Sequential(
            torch.nn.Linear(32, 64), torch.nn.ReLU(),
            torch.nn.Linear(64, 64), torch.nn.ReLU(),
            torch.nn.Linear(64, 10), torch.nn.Sigmoid(),
        )

    models = [make_model() for _ in range(args.runs)]
    optimizers = [torch.optim.Adam(m.parameters(), lr=0.01) for m in models]
    x = torch.randn(1024, 32)
    labels = torch.randint(0, 10, (1024,))
    y = F.one_hot(labels, 10).float()
    batch = 64

    def step(i):
        start = (i * batch) % (1024 - batch)
        xb, yb = x[start:start + batch], y[start:start + batch]
        last = 0.0
        for model, opt in zip(models, optimizers):
            opt.zero_grad()
            loss = constrained_loss(yb, model(xb))
            loss.backward()
            opt.step()
            last = loss
        return last

    for i in range(args.warmup):
        step(i)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(args.steps):
        loss = step(i)
    loss_value = float(loss)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "runs": args.runs,
        "steps": args.steps,
        "stepsPerSecond": args.steps / elapsed,
        "stepsPerCpuSecond": args.steps / cpu,
        "finalLoss": loss_value,
    }))


if __name__ == "__main__":
    main()
