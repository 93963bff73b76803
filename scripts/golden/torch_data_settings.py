"""Golden numbers for the statistics a script computes on its data and the trial computes on its own
(src/trainer/dataSettings.ts statisticOf): NumPy's var/std (ddof 0) and torch's (ddof 1), a mean, max and min, each
over every value of a float32 array, with the shift a script may add first (`np.var(slices + 0.5)`).

Run with Debian's python3-torch:
    /usr/bin/python3 scripts/golden/torch_data_settings.py > test/golden/torch-data-settings.json
"""
import json

import numpy as np
import torch

torch.manual_seed(31)
data = (torch.rand(6, 5) * 3 - 1).float()
shift = 0.5
arr = data.numpy()
cases = [
    {"call": "np.var(x + 0.5)", "stat": "var", "shift": shift, "ddof": 0, "value": float(np.var(arr + shift))},
    {"call": "np.std(x)", "stat": "std", "shift": 0, "ddof": 0, "value": float(np.std(arr))},
    {"call": "x.var()", "stat": "var", "shift": 0, "ddof": 1, "value": float(data.double().var())},
    {"call": "torch.std(x - 1)", "stat": "std", "shift": -1, "ddof": 1, "value": float(torch.std(data.double() - 1))},
    {"call": "np.mean(x + 0.5)", "stat": "mean", "shift": shift, "ddof": 0, "value": float(np.mean(arr.astype(np.float64) + shift))},
    {"call": "x.max()", "stat": "max", "shift": 0, "ddof": 0, "value": float(data.max())},
    {"call": "np.min(x)", "stat": "min", "shift": 0, "ddof": 0, "value": float(np.min(arr))},
]
print(json.dumps({"torch": torch.__version__, "numpy": np.__version__, "data": data.flatten().tolist(), "cases": cases}, indent=1))
