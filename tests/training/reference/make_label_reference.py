#!/usr/bin/python3
"""Reference labels for tests/training/zigzag_labeler_test.cpp: KTRDR's ZigZag segment labels.

Written from KTRDR's definition (its ZigZag indicator, then every bar between two extremes
labelled by the direction of that leg, the extremes and the bars after the last one HOLD), as a
plain loop over the closes that keeps the ZigZag line the way KTRDR's indicator does (a
NaN-marked array whose provisional extreme moves), independent of the C++.

Writes `<dataset>_labels.txt` next to this script: a comment line with the file, threshold and
bar count, then one character per bar (B, H, S), 100 to a line.

Run with Debian's python3 (numpy, pandas): /usr/bin/python3 make_label_reference.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2].parent / "shared" / "data"
# (dataset, threshold): keep in step with kLabelReferences in zigzag_labeler_test.cpp.
DATASETS = [("AAPL_1h", 0.02), ("EURUSD_1h", 0.005)]


def zigzag_line(prices, threshold):
    line = np.full(len(prices), np.nan)
    line[0] = prices[0]
    last_i, last_p, direction = 0, prices[0], None
    for i in range(1, len(prices)):
        p = prices[i]
        change = (p - last_p) / last_p
        if direction is None:
            if abs(change) >= threshold:
                direction = 1 if change > 0 else -1
                line[i] = p
                last_i, last_p = i, p
        elif direction == 1:
            if p > last_p:
                line[last_i] = np.nan
                line[i] = p
                last_i, last_p = i, p
            elif change <= -threshold:
                direction = -1
                line[i] = p
                last_i, last_p = i, p
        else:
            if p < last_p:
                line[last_i] = np.nan
                line[i] = p
                last_i, last_p = i, p
            elif change >= threshold:
                direction = 1
                line[i] = p
                last_i, last_p = i, p
    return line


def segment_labels(prices, threshold):
    line = zigzag_line(prices, threshold)
    labels = ["H"] * len(prices)
    extremes = np.flatnonzero(~np.isnan(line))
    for a, b in zip(extremes[:-1], extremes[1:]):
        leg = "B" if line[b] > line[a] else "S"
        for j in range(a + 1, b):
            labels[j] = leg
    return "".join(labels)


def main():
    for dataset, threshold in DATASETS:
        closes = pd.read_csv(DATA / f"{dataset}.csv")["close"].to_numpy(dtype=float)
        labels = segment_labels(closes, threshold)
        shares = {c: 100.0 * labels.count(c) / len(labels) for c in "BHS"}
        out = HERE / f"{dataset}_labels.txt"
        with out.open("w") as f:
            f.write(f"# {dataset}.csv threshold {threshold} bars {len(labels)}\n")
            for i in range(0, len(labels), 100):
                f.write(labels[i:i + 100] + "\n")
        print(out.name, len(labels), " ".join(f"{c} {v:.1f}%" for c, v in shares.items()))


if __name__ == "__main__":
    main()
