#!/usr/bin/env python3
"""The PyTorch peer of LearnerBench: the identical MoCo v2 step with the identical shapes, for a side-by-side ratio.

Usage: learner_step.py mlp|cnn BATCH QUEUE SECONDS  -> one JSON line, like the Java benchmark.
"""
import copy
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def encoder(name):
    if name == "mlp":   # 784-512-256 backbone, projection 256 -> 256 -> 128 (as EncoderConfig in LearnerBench)
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                             nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 128)), (784,)
    if name == "cnn":   # conv3x3-32, pool, conv3x3-64, pool, fc128, projection 128 -> 128 -> 128
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                             nn.Linear(128, 128)), (1, 28, 28)
    raise SystemExit("encoder must be mlp or cnn")


def main():
    name, batch, queue_size, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    torch.manual_seed(7)
    torch.set_num_threads(int(__import__("os").environ.get("TORCH_THREADS", "2")))
    f_q, shape = encoder(name)
    f_k = copy.deepcopy(f_q)
    for p in f_k.parameters():
        p.requires_grad = False
    opt = torch.optim.Adam(f_q.parameters(), lr=1e-3)
    queue = F.normalize(torch.randn(queue_size, 128), dim=1)
    ptr = 0
    x1 = torch.rand(batch, *shape)
    x2 = torch.rand(batch, *shape)
    tau, m = 0.2, 0.99

    def step():
        nonlocal ptr
        q = F.normalize(f_q(x1), dim=1)                         # B x p
        with torch.no_grad():
            k = F.normalize(f_k(x2), dim=1)                     # B x p
        l_pos = (q * k).sum(1, keepdim=True)                    # B x 1
        l_neg = q @ queue.t()                                   # B x K
        logits = torch.cat([l_pos, l_neg], dim=1) / tau         # B x (1+K)
        loss = F.cross_entropy(logits, torch.zeros(batch, dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for pk, pq in zip(f_k.parameters(), f_q.parameters()):
                pk.mul_(m).add_(pq, alpha=1 - m)
            n = min(batch, queue_size)
            idx = (torch.arange(n) + ptr) % queue_size
            queue[idx] = k[-n:]
            ptr = (ptr + n) % queue_size

    for _ in range(max(10, queue_size // batch + 5)):
        step()
    start = time.perf_counter()
    steps = 0
    while time.perf_counter() - start < seconds or steps < 5:
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"impl": "torch", "encoder": name, "batch": batch, "queue": queue_size, "steps": steps,
                      "samples_per_s": round(steps * batch / elapsed, 1),
                      "ms_per_step": round(1000 * elapsed / steps, 2), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
