#!/usr/bin/python3
"""strategy_pipeline: the pandas + PyTorch baseline of bench/strategy_pipeline.cpp.

Runs one KTRDR strategy file end to end the way ktrdr's training.train does, written as a
competent pandas / PyTorch user would (vectorised where the step allows it):

  read       the strategy YAML (PyYAML); the base series <data-dir>/<SYMBOL>_<TF>.csv with
             read_csv, ISO timestamps, sorted, one bar per timestamp
  indicators KTRDR's formulas as ktrdr computes them: RSI (Wilder averages seeded with the mean
             of the first `period` changes), ROC (percent change), CCI (typical price, mean
             absolute deviation, 0 when it is 0), Williams %R (-50 on a flat range); every
             indicator of the file, used or not
  fuzzy      triangular / trapezoidal / gaussian memberships of the sets the model sees
             (`nn_inputs` order, else file order), named <group>_<set> as ktrdr names them
  features   `lookback_periods` lagged copies (<name>_lag<k>); rows from max(history_required,
             lookback) on, rows with any missing value dropped
  labels     KTRDR's ZigZag segment labels (0 BUY, 1 HOLD, 2 SELL) and the last bar each label
             reads (for the purge), a plain loop over the closes
  split      chronological train / validation / test with the purge of rows whose label reads
             the next split's bars; the train rows shuffled (seeded numpy permutation)
  scale      standardisation fitted on the train rows (population std, 1 when ~0)
  train      the strategy's MLP (Linear, activation, dropout per hidden layer, 3 logits), its
             optimizer and learning rate, cross-entropy, batches drawn by a seeded randperm each
             epoch, `--epochs` epochs (no early stop); per epoch the train loss and accuracy
             (argmax per batch), validation loss and accuracy in chunks of 8,192 rows without
             gradients, and a copy of the weights at each best epoch (the strategy's monitor),
             restored at the end — what ktrdr's LocalTrainer does, op for op where it can

Each run does all of it; a run's time is its wall time inside the interpreter (imports and
start-up not counted; they are reported apart). One warm-up run, then `--runs` runs.

Threads: torch.set_num_threads(--threads); OpenBLAS's count comes from OPENBLAS_NUM_THREADS,
which the C++ program sets, as it preloads the same libopenblas.so.0 its own process uses.

Writes the last run's rows under --out for the C++ side to compare: features.f32 (unscaled,
row-major float32), labels.i64, timestamps.i64 (Unix seconds), names.txt (one feature a line),
scaler.f64 (the means then the deviations). Prints one machine-readable line:
`seconds=<median run> best=… prepare=… split=… train=… imports=… rows=… cols=… train_rows=…
validation_rows=… test_rows=… purged_train=… purged_validation=… final_loss=… val_accuracy=…
threads=…`.
"""

import time

_IMPORTS_START = time.perf_counter()
import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import yaml  # noqa: E402
from torch import nn  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _IMPORTS_START
EVAL_CHUNK = 8192


# ---------------------------------------------------------------- strategy


def load_strategy(path):
    """The parts of a KTRDR strategy file (v2 or v3 shape) the pipeline needs."""
    doc = yaml.safe_load(Path(path).read_text())
    data = doc["training_data"]
    symbols = data["symbols"]
    timeframes = data["timeframes"]
    symbol = symbols.get("symbol") or symbols["list"][0]
    timeframe = timeframes.get("timeframe") or timeframes.get("base_timeframe") or \
        timeframes["list"][0]
    if len(symbols.get("list", [symbol])) != 1 or len(timeframes.get("list", [timeframe])) != 1:
        sys.exit("strategy_pipeline.py: only single-symbol, single-timeframe strategies")

    indicators = {}  # id -> (type, params)
    raw = doc["indicators"]
    items = raw.items() if isinstance(raw, dict) else \
        [(i.get("feature_id", (i.get("name") or i["type"]).lower()), i) for i in raw]
    for ident, spec in items:
        kind = (spec.get("type") or spec.get("name")).lower()
        params = {k: v for k, v in spec.items()
                  if k not in ("type", "name", "feature_id", "source")}
        if spec.get("source", "close") != "close":
            sys.exit("strategy_pipeline.py: only indicators on the close")
        indicators[ident] = (kind, params)

    groups = {}  # group name -> [(input, feature name, shape, parameters)]
    for group, sets in doc["fuzzy_sets"].items():
        source = sets.get("indicator", group)
        groups[group] = []
        for name, spec in sets.items():
            if name == "indicator":
                continue
            if isinstance(spec, list):
                spec = {"type": "triangular", "parameters": spec}
            groups[group].append((source, f"{group}_{name}", spec.get("type", "triangular"),
                                  [float(p) for p in spec["parameters"]]))
    order = [i["fuzzy_set"] for i in doc["nn_inputs"]] if doc.get("nn_inputs") else list(groups)
    fuzzy = [s for group in order for s in groups[group]]

    model = doc.get("model", {})
    arch = model.get("architecture", {})
    feats = model.get("features", {})
    train = model.get("training", {})
    stopping = train.get("early_stopping") or {}
    labels = doc.get("training", {}).get("labels", {})
    split = doc.get("training", {}).get("data_split", {})
    if labels.get("method", "segments") != "segments":
        sys.exit("strategy_pipeline.py: only ZigZag segment labels")
    return {
        "symbol": symbol, "timeframe": timeframe,
        "history_required": int(data.get("history_required") or 0),
        "indicators": indicators, "fuzzy": fuzzy,
        "hidden": arch.get("hidden_layers", [64, 32]),
        "activation": arch.get("activation", "relu"),
        "dropout": float(arch.get("dropout", 0.0)),
        "lookback": int(feats.get("lookback_periods", 0)),
        "scale": bool(feats.get("scale_features", False)),
        "lr": float(train.get("learning_rate", 0.001)),
        "batch_size": int(train.get("batch_size", 32)),
        "optimizer": train.get("optimizer", "adam"),
        "weight_decay": float(train.get("weight_decay", 0.0)),
        "monitor": stopping.get("monitor", "val_loss"),
        "min_delta": float(stopping.get("min_delta", 0.0)),
        "threshold": float(labels.get("zigzag_threshold", 0.03)),
        "split": (float(split.get("train", 0.7)), float(split.get("validation", 0.15)),
                  float(split.get("test", 0.15))),
    }


# ---------------------------------------------------------------- indicators


def wilder(x, first, period):
    """avg += (x - avg) / period from first + period - 1, seeded with the mean before."""
    out = np.full(len(x), np.nan)
    seed = first + period - 1
    if seed >= len(x):
        return out
    s = pd.Series(x[seed:])
    s.iloc[0] = x[first:seed + 1].mean()
    out[seed:] = s.ewm(alpha=1.0 / period, adjust=False).mean().to_numpy()
    return out


def rsi(bars, period=14):
    change = bars["close"].diff().to_numpy()
    change[0] = 0.0
    gain = np.where(change > 0, change, 0.0)
    loss = np.where(change < 0, -change, 0.0)
    up, down = wilder(gain, 1, period), wilder(loss, 1, period)
    total = up + down
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 50.0, 100.0 * up / total)


def roc(bars, period=10):
    close = bars["close"]
    before = close.shift(period)
    return np.where(before == 0, 0.0, 100.0 * (close - before) / before)


def cci(bars, period=20):
    typical = ((bars["high"] + bars["low"] + bars["close"]) / 3).to_numpy()
    out = np.full(len(typical), np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(typical, period)
    mean = windows.mean(axis=1)
    deviation = np.abs(windows - mean[:, None]).mean(axis=1)
    centred = typical[period - 1:] - mean
    with np.errstate(invalid="ignore", divide="ignore"):
        out[period - 1:] = np.where(deviation == 0, 0.0, centred / (0.015 * deviation))
    return out


def williams_r(bars, period=14):
    highest = bars["high"].rolling(period).max()
    lowest = bars["low"].rolling(period).min()
    span = highest - lowest
    return np.where(span == 0, -50.0, -100.0 * (highest - bars["close"]) / span)


INDICATORS = {"rsi": rsi, "roc": roc, "cci": cci, "williams_r": williams_r}


# ---------------------------------------------------------------- fuzzy sets


def rising(x, a, b):
    """0 below a, 1 from b, linear between (a step when a == b)."""
    if a == b:
        return np.where(x < a, 0.0, 1.0)
    return np.clip((x - a) / (b - a), 0.0, 1.0)


def membership(x, shape, p):
    with np.errstate(invalid="ignore"):
        if shape == "gaussian":
            return np.exp(-0.5 * ((x - p[0]) / p[1]) ** 2)
        if shape == "triangular":
            left = np.where(x == p[1], 1.0, 0.0) if p[0] == p[1] else rising(x, p[0], p[1])
            right = np.zeros_like(x) if p[1] == p[2] else 1.0 - rising(x, p[1], p[2])
            out = np.where(x <= p[1], left, right)
        else:  # trapezoidal
            left = np.zeros_like(x) if p[0] == p[1] else rising(x, p[0], p[1])
            right = np.zeros_like(x) if p[2] == p[3] else 1.0 - rising(x, p[2], p[3])
            out = np.where(x < p[1], left, np.where(x <= p[2], 1.0, right))
    return np.where(np.isnan(x), np.nan, out)


# ---------------------------------------------------------------- labels


def zigzag_segments(close, threshold):
    """KTRDR's segment labels and, per bar, the last bar its label reads."""
    n = len(close)
    labels = np.ones(n, dtype=np.int64)  # HOLD
    reads_to = np.full(n, n - 1, dtype=np.int64)
    extremes, fixed_by = [0], []
    direction = 0
    for i in range(1, n):
        last = close[extremes[-1]]
        change = (close[i] - last) / last
        if direction == 0:
            if abs(change) >= threshold:
                direction = 1 if change > 0 else -1
                fixed_by.append(i)
                extremes.append(i)
        elif direction * (close[i] - last) > 0:
            extremes[-1] = i
        elif -direction * change >= threshold:
            direction = -direction
            fixed_by.append(i)
            extremes.append(i)
    fixed_by.append(n - 1)  # the last extreme is never fixed
    for at, by in zip(extremes, fixed_by):
        reads_to[at] = by
    for k in range(len(extremes) - 1):
        a, b = extremes[k], extremes[k + 1]
        labels[a + 1:b] = 0 if close[b] > close[a] else 2
        reads_to[a + 1:b] = fixed_by[k + 1]
    return labels, reads_to


# ---------------------------------------------------------------- the pipeline


def prepare(strategy, data_dir):
    """Bars -> indicators -> fuzzy -> lagged features -> labels: the rows, as numpy arrays."""
    path = Path(data_dir) / f"{strategy['symbol']}_{strategy['timeframe']}.csv"
    bars = pd.read_csv(path, engine="c")
    bars["timestamp"] = pd.to_datetime(bars["timestamp"], utc=True)
    if not bars["timestamp"].is_monotonic_increasing or bars["timestamp"].duplicated().any():
        bars = bars.drop_duplicates("timestamp", keep="last").sort_values("timestamp")
    bars = bars.reset_index(drop=True)

    outputs = {}
    for ident, (kind, params) in strategy["indicators"].items():
        if kind not in INDICATORS:
            sys.exit(f"strategy_pipeline.py: indicator type {kind} is not implemented here")
        outputs[ident] = np.asarray(INDICATORS[kind](bars, **params), dtype=np.float64)

    names = [name for _, name, _, _ in strategy["fuzzy"]]
    base = np.column_stack([membership(outputs[source], shape, p)
                            for source, _, shape, p in strategy["fuzzy"]])
    lookback = strategy["lookback"]
    columns = [base]
    for k in range(1, lookback + 1):
        lagged = np.full_like(base, np.nan)
        lagged[k:] = base[:-k]
        columns.append(lagged)
        names += [f"{name}_lag{k}" for name in names[:base.shape[1]]]
    matrix = np.hstack(columns)

    close = bars["close"].to_numpy()
    labels, reads_to = zigzag_segments(close, strategy["threshold"])
    keep = ~np.isnan(matrix).any(axis=1)
    keep[:max(strategy["history_required"], lookback)] = False
    seconds = bars["timestamp"].values.astype("datetime64[s]").astype(np.int64)
    return {"names": names, "x": matrix[keep].astype(np.float32), "y": labels[keep],
            "t": seconds[keep], "label_end": seconds[reads_to[keep]]}


def split_rows(rows, fractions, seed):
    """Chronological split with the purge; train rows shuffled."""
    t, end = rows["t"], rows["label_end"]
    n = len(t)
    cut = lambda f: min(int(math.floor(f * n + 0.5)), n)  # noqa: E731 (llround)
    boundary = lambda c: t[c] if c < n else np.iinfo(np.int64).max  # noqa: E731
    validation_from = boundary(cut(fractions[0]))
    test_from = boundary(cut(fractions[0] + fractions[1]))
    in_train, in_validation = t < validation_from, (t >= validation_from) & (t < test_from)
    train = np.flatnonzero(in_train & (end < validation_from))
    validation = np.flatnonzero(in_validation & (end < test_from))
    test = np.flatnonzero(t >= test_from)
    train = np.random.default_rng(seed).permutation(train)
    purged = (int(in_train.sum()) - len(train), int(in_validation.sum()) - len(validation))
    return train, validation, test, purged


ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU}
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}


def make_model(strategy, inputs):
    layers, width = [], inputs
    for units in strategy["hidden"]:
        layers += [nn.Linear(width, units), ACTIVATIONS[strategy["activation"]]()]
        if strategy["dropout"] > 0:
            layers.append(nn.Dropout(strategy["dropout"]))
        width = units
    layers.append(nn.Linear(width, 3))
    return nn.Sequential(*layers)


def evaluate(model, x, y):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for begin in range(0, x.shape[0], EVAL_CHUNK):
            logits = model(x[begin:begin + EVAL_CHUNK])
            target = y[begin:begin + EVAL_CHUNK]
            loss_sum += F.cross_entropy(logits, target, reduction="sum").item()
            correct += logits.argmax(1).eq(target).sum().item()
    return loss_sum / x.shape[0], correct / x.shape[0]


def train(strategy, x, y, x_val, y_val, epochs, seed):
    torch.manual_seed(seed)
    model = make_model(strategy, x.shape[1])
    optimizer = OPTIMIZERS[strategy["optimizer"]](
        model.parameters(), lr=strategy["lr"], weight_decay=strategy["weight_decay"])
    best_weights = [p.detach().clone() for p in model.state_dict().values()]
    generator = torch.Generator().manual_seed(seed)
    rows, batch_size = x.shape[0], strategy["batch_size"]
    loss_sum = torch.zeros((), dtype=torch.float64)
    predicted = torch.empty(rows, dtype=torch.int64)
    monitor_loss = strategy["monitor"] == "val_loss"
    best_epoch, best_value = 0, 0.0
    train_loss, val_accuracy = float("nan"), float("nan")
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(rows, generator=generator)
        loss_sum.zero_()
        for begin in range(0, rows, batch_size):
            index = order[begin:begin + batch_size]
            target = y.index_select(0, index)
            logits = model(x.index_select(0, index))
            loss = F.cross_entropy(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum.add_(loss, alpha=float(index.shape[0]))
                torch.argmax(logits, 1, out=predicted[begin:begin + index.shape[0]])
        train_loss = loss_sum.item() / rows
        train_accuracy = predicted.eq(y.index_select(0, order)).sum().item() / rows
        val_loss, val_accuracy = evaluate(model, x_val, y_val) if len(y_val) else \
            (train_loss, train_accuracy)
        value = val_loss if monitor_loss else val_accuracy
        if best_epoch == 0 or (value < best_value - strategy["min_delta"] if monitor_loss
                               else value > best_value + strategy["min_delta"]):
            best_epoch, best_value = epoch, value
            with torch.no_grad():
                for saved, live in zip(best_weights, model.state_dict().values()):
                    saved.copy_(live)
    with torch.no_grad():
        for saved, live in zip(best_weights, model.state_dict().values()):
            live.copy_(saved)
    model.eval()
    return model, train_loss, val_accuracy


def run(strategy_file, data_dir, epochs, seed):
    """One end-to-end run; its phase times and what it produced."""
    start = time.perf_counter()
    strategy = load_strategy(strategy_file)
    rows = prepare(strategy, data_dir)
    prepared = time.perf_counter()
    train_rows, validation_rows, test_rows, purged = split_rows(rows, strategy["split"], seed)
    x = rows["x"]
    cols = x.shape[1]
    means, stds = np.zeros(cols), np.ones(cols)
    if strategy["scale"]:
        fit = x[train_rows].astype(np.float64)
        means, stds = fit.mean(axis=0), fit.std(axis=0)
        stds[stds < 1e-12] = 1.0
    scaled = lambda r: torch.from_numpy(  # noqa: E731
        ((x[r] - means) / stds).astype(np.float32))
    x_train, x_val, x_test = scaled(train_rows), scaled(validation_rows), scaled(test_rows)
    y = torch.from_numpy(rows["y"])
    y_train, y_val = y[train_rows], y[validation_rows]
    split_done = time.perf_counter()
    _, final_loss, val_accuracy = train(strategy, x_train, y_train, x_val, y_val, epochs, seed)
    end = time.perf_counter()
    del x_test
    return {"seconds": end - start, "prepare": prepared - start, "split": split_done - prepared,
            "train": end - split_done, "rows": rows, "means": means, "stds": stds,
            "counts": (len(train_rows), len(validation_rows), len(test_rows)) + purged,
            "final_loss": final_loss, "val_accuracy": val_accuracy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategy", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True, help="directory for the last run's rows")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    run(args.strategy, args.data_dir, 1, args.seed)  # warm-up: thread pools, allocator, caches
    results = [run(args.strategy, args.data_dir, args.epochs, args.seed) for _ in range(args.runs)]
    last = results[-1]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = last["rows"]
    rows["x"].astype("<f4").tofile(out / "features.f32")
    rows["y"].astype("<i8").tofile(out / "labels.i64")
    rows["t"].astype("<i8").tofile(out / "timestamps.i64")
    np.concatenate([last["means"], last["stds"]]).astype("<f8").tofile(out / "scaler.f64")
    (out / "names.txt").write_text("".join(name + "\n" for name in rows["names"]))

    median = lambda key: statistics.median(r[key] for r in results)  # noqa: E731
    counts = last["counts"]
    print(f"seconds={median('seconds'):.6f} best={min(r['seconds'] for r in results):.6f} "
          f"prepare={median('prepare'):.6f} split={median('split'):.6f} "
          f"train={median('train'):.6f} imports={IMPORT_SECONDS:.6f} "
          f"rows={rows['x'].shape[0]} cols={rows['x'].shape[1]} train_rows={counts[0]} "
          f"validation_rows={counts[1]} test_rows={counts[2]} purged_train={counts[3]} "
          f"purged_validation={counts[4]} final_loss={last['final_loss']:.6f} "
          f"val_accuracy={last['val_accuracy']:.6f} threads={torch.get_num_threads()}")


if __name__ == "__main__":
    main()
