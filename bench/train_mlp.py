#!/usr/bin/python3
"""train_mlp: the Python PyTorch baseline of bench/train_mlp.cpp.

Trains the benchmark's MLP (32 inputs -> 64 -> ReLU -> 32 -> ReLU -> 3 logits) on the rows
train_mlp.cpp generated and wrote (float32 features, row-major, and int64 labels, both raw
little-endian), with the loop the C++ program's plain LibTorch variant runs, op for op:
Adam (lr 1e-3), cross-entropy, batches of 256 of the rows in an order drawn by a seeded
torch.randperm each epoch, the epoch's loss summed in a tensor (no .item() per batch).

Each run builds a fresh model and trains `--epochs` epochs; a run's rate is rows x epochs /
its wall time (model construction included, interpreter start-up and imports not). Threads:
torch.set_num_threads(--threads); OpenBLAS's count comes from OPENBLAS_NUM_THREADS, which the
C++ program sets, as it preloads the same libopenblas.so.0 its own process uses.

Prints one machine-readable line:
`samples_per_second=<median of the runs> best=<best run> final_loss=<last epoch's mean loss>
threads=<torch threads> blas=<library serving sgemm_>`.
Usage: train_mlp.py --features F --labels L --rows N --cols C [--epochs E] [--runs R]
                    [--threads T] [--batch-size B] [--seed S]
"""

import argparse
import ctypes
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def blas_library():
    """The file of the shared library whose sgemm_ this process calls (LibTorch's BLAS)."""
    try:
        libc = ctypes.CDLL(None)
        address = ctypes.cast(libc.sgemm_, ctypes.c_void_p).value
        info = DlInfo()
        if libc.dladdr(ctypes.c_void_p(address), ctypes.byref(info)) and info.dli_fname:
            return info.dli_fname.decode()
    except (AttributeError, OSError, ValueError):
        pass
    return "unknown"


def train_once(x, y, epochs, batch_size, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                          nn.Linear(32, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(seed)
    rows = x.shape[0]
    final_loss = float("nan")
    for _ in range(epochs):
        order = torch.randperm(rows, generator=generator)
        loss_sum = torch.zeros((), dtype=torch.float64)
        for begin in range(0, rows, batch_size):
            index = order[begin:begin + batch_size]
            features = x.index_select(0, index)
            labels = y.index_select(0, index)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(features), labels)
            loss.backward()
            optimizer.step()
            loss_sum.add_(loss.detach(), alpha=float(index.shape[0]))
        final_loss = loss_sum.item() / rows
    return final_loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    x = torch.from_numpy(np.fromfile(args.features, dtype="<f4").reshape(args.rows, args.cols))
    y = torch.from_numpy(np.fromfile(args.labels, dtype="<i8"))
    if y.shape[0] != args.rows:
        sys.exit(f"train_mlp.py: {args.labels} holds {y.shape[0]} labels, expected {args.rows}")

    train_once(x, y, 1, args.batch_size, args.seed)  # warm-up: thread pools, allocator
    rates = []
    final_loss = float("nan")
    for _ in range(args.runs):
        start = time.perf_counter()
        final_loss = train_once(x, y, args.epochs, args.batch_size, args.seed)
        rates.append(args.rows * args.epochs / (time.perf_counter() - start))
    print(f"samples_per_second={statistics.median(rates):.1f} best={max(rates):.1f} "
          f"final_loss={final_loss:.6f} threads={torch.get_num_threads()} blas={blas_library()}")


if __name__ == "__main__":
    main()
