#!/usr/bin/python3
"""PyTorch's side of `npm run bench:onnx-surrogate`: BIM examples/s and fine-tuning images/s of the
same ResNet-50 (scripts/make-onnx-fixtures.py's, seeded init, so the weights match the exported
ONNX file), 224x224x3 inputs, on the same threads and batch. Prints one JSON line."""
import argparse
import importlib.util
import json
import os
import time

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--bim-steps", type=int, default=5)
p.add_argument("--finetune-steps", type=int, default=3)
args = p.parse_args()
torch.set_num_threads(args.threads)

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fixtures", os.path.join(here, "..", "scripts", "make-onnx-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)
torch.manual_seed(0)
model = fixtures.ResNet50()
g = torch.Generator().manual_seed(1)
x0 = torch.rand(args.batch, 3, 224, 224, generator=g)
y = torch.randint(0, 1000, (args.batch,), generator=g)


def bim(steps, eps=4 / 255):
    model.eval()
    x = x0.clone()
    for _ in range(steps):
        x.requires_grad_(True)
        loss = F.cross_entropy(model(x), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, x)
        with torch.no_grad():
            x = torch.min(torch.max(x + eps / 10 * grad.sign(), x0 - eps), x0 + eps).clamp(0, 1)
    return x


def finetune(steps):
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x0), y).backward()
        opt.step()


bim(1)  # warm-up
start = time.perf_counter()
bim(args.bim_steps)
bim_seconds = time.perf_counter() - start
finetune(1)
start = time.perf_counter()
finetune(args.finetune_steps)
finetune_seconds = time.perf_counter() - start
print(json.dumps({"bimExamplesPerSecond": args.batch / bim_seconds, "fineTuneImagesPerSecond": args.batch * args.finetune_steps / finetune_seconds}))
