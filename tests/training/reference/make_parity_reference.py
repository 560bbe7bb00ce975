#!/usr/bin/python3
"""Reference rows for tests/training/ktrdr_parity_test.cpp: KTRDR strategies end to end.

For each strategy file in ../fixtures/ktrdr/ (one in KTRDR's v2 shape, one in its v3 shape) and
the first BARS bars of its symbol's ../shared/data/<SYMBOL>_1h.csv, computes independently of
the C++ what the training features pipeline must produce, and writes next to this script:

  parity_<strategy>_indicators.csv  `timestamp`, then every output of every indicator (`id`,
                                    `id.output`, ktrdr's names) on every bar, `%.17g`, NaN `nan`
  parity_<strategy>_features.csv    one line per feature row: `timestamp`, `label` (0 BUY, 1 HOLD,
                                    2 SELL), then every feature column in the model's
                                    order, `%.10g`

How the strategy is read (KTRDR's rules, written out here, not shared with the C++):
  indicators   v2: a list, id = `feature_id` or the lower-case `name`; v3: a map id -> {type}.
               `std_dev` is Bollinger's multiplier. Values from make_indicator_reference.py's
               compute() (the formulas ktrdr documents: RSI, MACD and ADX seeded with the mean
               of their first n inputs, KTRDR's simple ATR, sample-std Bollinger Bands,
               KTRDR's smoothed Stochastic)
  input        a group reads the output named by its `indicator:` (v3) or by its key. KTRDR's
               output names map to ours (macd .line -> main, bbands .middle -> main, adx .adx
               -> main, stochastic .k -> main); a bare id under `indicator:` reads KTRDR's
               primary output (Bollinger: the upper band), a bare key ktrdr's main output
  transform    `input_transform: {type: price_ratio, reference: P}` -> P / output; `{type:
               none}` -> the raw output; without one, a moving average's (sma, ema) main output
               is read as close / MA, as KTRDR feeds it
  memberships  triangular [a, b, c]: 0 for x <= a (x < a when a = b), (x - a) / (b - a) up to
               b, 1 at b, (c - x) / (c - b) down to c, 0 from c (x > c when b = c);
               trapezoidal [a, b, c, d]: the same rising edge, 1 on [b, c] (the shoulders: a = b
               starts at 1, c = d ends at 1), falling edge to d; gaussian [m, s]:
               exp(-((x - m) / s)^2 / 2); NaN stays NaN
  columns      without `nn_inputs` every group in file order, with it the groups it lists in
               its order; within a group the sets in file order; named `<group>_<set>`. With
               `model.features.include_price_context: true`, KTRDR's price context after them:
               `price_to_<id>_ratio` (close / MA for each sma and ema indicator, in file order),
               `roc_5`, `roc_10`, `roc_20` (pandas' pct_change), `daily_price_position`
               ((close - low) / (high - low), 0.5 when high = low) and `volatility_20` (the
               rolling 20-bar sample std of pct_change), each NaN where pandas leaves it NaN
               (KTRDR filled those with 0 or the whole series' std, which reads the future).
               Then for k = 1 .. lookback_periods every column again as `<name>_lag<k>` (its
               value k bars back)
  labels       KTRDR's ZigZag segment labels of the BARS closes at `zigzag_threshold`
               (make_label_reference.py's segment_labels)
  rows         bars i >= max(history_required, lookback_periods) whose every feature, lags
               included, is defined

Run with Debian's python3 (pandas, numpy and PyYAML installed):
/usr/bin/python3 make_parity_reference.py
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_indicator_reference as formulas  # noqa: E402
import make_label_reference as zigzag_labels  # noqa: E402

DATA = HERE.parents[2].parent / "shared" / "data"
FIXTURES = HERE.parent / "fixtures" / "ktrdr"
BARS = 2000  # keep in step with kBars in ktrdr_parity_test.cpp
# Keep in step with kStrategies in ktrdr_parity_test.cpp.
STRATEGIES = ["v2_aapl", "v3_eurusd"]

TYPE_SPELLINGS = {"stoch": "stochastic", "bollinger_bands": "bbands"}
# KTRDR's output names -> ours (suffix; "" is the main output); the first is KTRDR's primary.
KTRDR_OUTPUTS = {
    "macd": [("line", ""), ("signal", ".signal"), ("histogram", ".histogram")],
    "bbands": [("upper", ".upper"), ("middle", ""), ("lower", ".lower")],
    "adx": [("adx", ""), ("plus_di", ".plus_di"), ("minus_di", ".minus_di")],
    "stochastic": [("k", ""), ("d", ".d")],
}
MOVING_AVERAGES = {"sma", "ema"}
PARAM_ALIASES = {"std_dev": "multiplier"}


def read_indicators(doc):
    """[(id, type, source, params)] in file order."""
    raw = doc["indicators"]
    entries = []
    if isinstance(raw, list):
        for item in raw:
            item = dict(item)
            type_ = str(item.pop("name", None) or item.pop("type")).lower()
            id_ = item.pop("feature_id", None) or type_
            entries.append((id_, type_, item))
    else:
        for id_, item in raw.items():
            item = dict(item)
            entries.append((id_, str(item.pop("type")).lower(), item))
    out = []
    for id_, type_, item in entries:
        type_ = TYPE_SPELLINGS.get(type_, type_)
        source = item.pop("source", "close")
        params = {PARAM_ALIASES.get(k, k): v for k, v in item.items()}
        out.append((id_, type_, source, params))
    return out


def resolve(name, types, bare_is_primary):
    """(our output name, whether it is a moving average's main output) for a group's input."""
    id_, _, output = name.partition(".")
    type_ = types[id_]
    names = dict(KTRDR_OUTPUTS.get(type_, []))
    if output:
        suffix = names.get(output, "." + output)
    elif bare_is_primary and type_ in KTRDR_OUTPUTS:
        suffix = KTRDR_OUTPUTS[type_][0][1]
    else:
        suffix = ""
    return id_ + suffix, suffix == "" and type_ in MOVING_AVERAGES


def membership(shape, p, x):
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros(len(x))
    if shape == "gaussian":
        out = np.exp(-0.5 * ((x - p[0]) / p[1]) ** 2)
    elif shape == "triangular":
        a, b, c = p
        if b > a:
            m = (x > a) & (x < b)
            out[m] = (x[m] - a) / (b - a)
        out[x == b] = 1.0
        if c > b:
            m = (x > b) & (x < c)
            out[m] = (c - x[m]) / (c - b)
    elif shape == "trapezoidal":
        a, b, c, d = p
        if b > a:
            m = (x > a) & (x < b)
            out[m] = (x[m] - a) / (b - a)
        out[(x >= b) & (x <= c)] = 1.0
        if d > c:
            m = (x > c) & (x < d)
            out[m] = (d - x[m]) / (d - c)
    else:
        raise ValueError(shape)
    out[np.isnan(x)] = np.nan
    return out


def price_context(bars, indicators, outputs):
    close = bars["close"].astype(np.float64)
    high = bars["high"].astype(np.float64)
    low = bars["low"].astype(np.float64)
    columns = [(f"price_to_{id_}_ratio", (close / outputs[id_]).to_numpy())
               for id_, type_, _, _ in indicators if type_ in ("sma", "ema")]
    for period in (5, 10, 20):
        columns.append((f"roc_{period}", close.pct_change(period).to_numpy()))
    span = high - low
    position = ((close - low) / span).where(span != 0, 0.5)
    columns.append(("daily_price_position", position.to_numpy()))
    columns.append(("volatility_20", close.pct_change().rolling(20).std().to_numpy()))
    return columns


def build(name):
    doc = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    symbols = doc["training_data"]["symbols"]
    symbol = symbols.get("symbol") or symbols["list"][0]
    bars = pd.read_csv(DATA / f"{symbol}_1h.csv", dtype={"timestamp": str},
                       float_precision="round_trip").head(BARS)

    indicators = read_indicators(doc)
    types = {id_: type_ for id_, type_, _, _ in indicators}
    outputs = {}
    for id_, type_, source, params in indicators:
        p = {**formulas.DEFAULTS.get(type_, {}), **params}
        for suffix, values in formulas.compute(bars, type_, source, p).items():
            outputs[id_ + suffix] = values.astype(np.float64)

    groups = {}
    for key, body in doc["fuzzy_sets"].items():
        body = dict(body)
        named = "indicator" in body
        input_name, is_ma = resolve(body.pop("indicator", key), types, bare_is_primary=named)
        transform = body.pop("input_transform", None)
        if transform is not None:
            reference = transform.get("reference", "close") \
                if transform.get("type", "price_ratio") == "price_ratio" else None
        else:
            reference = "close" if is_ma else None
        x = outputs[input_name]
        if reference is not None:
            x = bars[reference].to_numpy(np.float64) / x
        columns = []
        for set_name, set_spec in body.items():
            if isinstance(set_spec, list):
                shape, params = "triangular", set_spec
            else:
                shape, params = set_spec.get("type", "triangular"), set_spec["parameters"]
            columns.append((f"{key}_{set_name}", membership(shape, [float(v) for v in params], x)))
        groups[key] = columns

    order = [entry["fuzzy_set"] for entry in doc["nn_inputs"]] if "nn_inputs" in doc \
        else list(groups)
    base = [column for key in order for column in groups[key]]
    if doc.get("model", {}).get("features", {}).get("include_price_context", False):
        base += price_context(bars, indicators, outputs)
    lookback = doc.get("model", {}).get("features", {}).get("lookback_periods", 0)
    features = list(base)
    for k in range(1, lookback + 1):
        for column, values in base:
            lagged = np.full(len(values), np.nan)
            lagged[k:] = values[:-k]
            features.append((f"{column}_lag{k}", lagged))

    closes = bars["close"].to_numpy(np.float64)
    labels = zigzag_labels.segment_labels(closes, doc["training"]["labels"]["zigzag_threshold"])
    first = max(doc["training_data"].get("history_required", 0), lookback)
    matrix = np.column_stack([values for _, values in features])
    keep = [i for i in range(first, len(bars)) if not np.isnan(matrix[i]).any()]

    table = pd.DataFrame({"timestamp": bars["timestamp"], **outputs})
    path = HERE / f"parity_{name}_indicators.csv"
    table.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
    print(f"{path.name}: {len(table)} bars, {len(outputs)} outputs")

    rows = pd.DataFrame(matrix[keep], columns=[column for column, _ in features])
    rows.insert(0, "label", ["BHS".index(labels[i]) for i in keep])
    rows.insert(0, "timestamp", bars["timestamp"].to_numpy()[keep])
    path = HERE / f"parity_{name}_features.csv"
    rows.to_csv(path, index=False, float_format="%.10g")
    shares = " ".join(f"{c} {100.0 * rows['label'].eq(i).mean():.1f}%" for i, c in enumerate("BHS"))
    print(f"{path.name}: {len(rows)} rows from {rows['timestamp'].iloc[0]}, "
          f"{len(features)} features, {shares}")


def main():
    for name in STRATEGIES:
        build(name)


if __name__ == "__main__":
    main()
