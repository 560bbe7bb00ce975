#!/usr/bin/python3
"""Reference values for tests/training/indicator_test.cpp.

Computes every indicator output the C++ indicators produce, straight from each definition
(whole windows, explicit recursions, numpy long double), over the first 3000 bars of
../shared/data/AAPL_1h.csv and ../shared/data/EURUSD_1h.csv, and writes one CSV per dataset
next to this script: `timestamp` then one column per output, `%.17g`, NaN as `nan`.

Conventions (the same as the C++ headers document):
  price sources  hl2 = (h + l) / 2, hlc3 = (h + l + c) / 3, ohlc4 = (o + h + l + c) / 4, in double
  EMA            alpha = 2 / (n + 1), seeded with the mean of its first n inputs
  Wilder         alpha = 1 / n, seeded with the mean of its first n inputs
  RSI            Wilder averages of gains and losses from bar 1; 100 g / (g + l), 50 when both 0
  MACD           EMA(fast) - EMA(slow); signal = EMA(signal) of the line; histogram = line - signal
  Bollinger      SMA +/- multiplier * sample std (ddof 1, KTRDR's); width = (upper - lower) / middle
  ATR            KTRDR's: mean of the last n true ranges, bar 0's true range being high - low
  ADX            Wilder averages of TR, +DM, -DM from bar 1; DI = 100 DM / TR (0 when TR = 0);
                 DX = 100 |+DI - -DI| / (+DI + -DI) (0 when both 0); ADX = Wilder average of DX
  ROC, Momentum  100 (C / C[n] - 1) (0 when C[n] = 0), C - C[n]
  Stochastic     raw %K = 100 (C - LL) / (HH - LL) (50 when HH = LL); %K = SMA(smooth_k) of raw;
                 %D = SMA(d_period) of %K
  Williams %R    -100 (HH - C) / (HH - LL) (-50 when HH = LL)
  CCI            (TP - SMA(TP)) / (0.015 mean |TP - SMA(TP)|) (0 when the deviation is 0)
  OBV            0 at bar 0, then +/- volume by the sign of the close's change
  MFI            flows TP * V by the sign of TP's change from bar 1; 100 pos / (pos + neg),
                 100 when neg is 0 (KTRDR's)

Run with Debian's python3 (pandas and numpy installed): /usr/bin/python3 make_indicator_reference.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2].parent / "shared" / "data"
BARS = 3000
LD = np.longdouble

# (id, type, source, params): keep in step with kReferenceSpecs in indicator_test.cpp.
SPECS = [
    ("sma_20", "sma", "close", {"period": 20}),
    ("sma_7_hl2", "sma", "hl2", {"period": 7}),
    ("ema_20", "ema", "close", {"period": 20}),
    ("ema_9_ohlc4", "ema", "ohlc4", {"period": 9}),
    ("rsi", "rsi", "close", {}),
    ("rsi_5_open", "rsi", "open", {"period": 5}),
    ("macd", "macd", "close", {}),
    ("macd_5_13_4_high", "macd", "high", {"fast_period": 5, "slow_period": 13, "signal_period": 4}),
    ("bbands", "bbands", "close", {}),
    ("bbands_10_hlc3", "bbands", "hlc3", {"period": 10, "multiplier": 1.5}),
    ("atr", "atr", "close", {}),
    ("atr_5", "atr", "close", {"period": 5}),
    ("adx", "adx", "close", {}),
    ("adx_5", "adx", "close", {"period": 5}),
    ("roc", "roc", "close", {}),
    ("roc_3_low", "roc", "low", {"period": 3}),
    ("momentum", "momentum", "close", {}),
    ("momentum_4_hl2", "momentum", "hl2", {"period": 4}),
    ("stoch", "stochastic", "close", {}),
    ("stoch_5_2_3", "stochastic", "close", {"k_period": 5, "d_period": 2, "smooth_k": 3}),
    ("williams_r", "williams_r", "close", {}),
    ("williams_r_5", "williams_r", "close", {"period": 5}),
    ("cci", "cci", "close", {}),
    ("cci_7", "cci", "close", {"period": 7}),
    ("obv", "obv", "close", {}),
    ("mfi", "mfi", "close", {}),
    ("mfi_5", "mfi", "close", {"period": 5}),
]

DEFAULTS = {
    "rsi": {"period": 14},
    "macd": {"fast_period": 12, "slow_period": 26, "signal_period": 9},
    "bbands": {"period": 20, "multiplier": 2.0},
    "atr": {"period": 14},
    "adx": {"period": 14},
    "roc": {"period": 10},
    "momentum": {"period": 10},
    "stochastic": {"k_period": 14, "d_period": 3, "smooth_k": 3},
    "williams_r": {"period": 14},
    "cci": {"period": 20},
    "mfi": {"period": 14},
}


def nan_array(n):
    return np.full(n, np.nan, dtype=LD)


def windows(x, start, n):
    """The windows x[i-n+1 .. i] for i >= start + n - 1, one per row."""
    return np.lib.stride_tricks.sliding_window_view(x[start:], n)


def rolling_mean(x, n, start=0):
    out = nan_array(len(x))
    if len(x) - start >= n:
        out[start + n - 1:] = windows(x, start, n).sum(axis=1) / n
    return out


def seeded_average(x, n, alpha, start=0):
    """alpha-recursive average of x[start:], seeded with the mean of its first n values."""
    out = nan_array(len(x))
    seed = start + n - 1
    if seed >= len(x):
        return out
    avg = x[start:start + n].sum() / n
    out[seed] = avg
    for i in range(seed + 1, len(x)):
        avg = alpha * x[i] + (1 - alpha) * avg
        out[i] = avg
    return out


def ema(x, n, start=0):
    return seeded_average(x, n, LD(2) / (n + 1), start)


def wilder(x, n, start=0):
    return seeded_average(x, n, LD(1) / n, start)


def safe_ratio(num, den, when_zero):
    out = np.where(den == 0, LD(when_zero), num / np.where(den == 0, 1, den))
    return np.where(np.isnan(num) | np.isnan(den), np.nan, out).astype(LD)


def shifted(x, n):
    out = nan_array(len(x))
    out[n:] = x[:-n]
    return out


def price(df, source):
    o, h, l, c = (df[k].to_numpy(np.float64) for k in ("open", "high", "low", "close"))
    prices = {
        "close": c, "open": o, "high": h, "low": l,
        "hl2": (h + l) / 2, "hlc3": (h + l + c) / 3, "ohlc4": (o + h + l + c) / 4,
    }
    return prices[source].astype(LD)


def true_range(h, l, c):
    prev = shifted(c, 1)
    tr = np.maximum.reduce([h - l, np.abs(h - prev), np.abs(l - prev)])
    tr[0] = np.nan
    return tr


def highest(x, n):
    return pd.Series(x.astype(np.float64)).rolling(n).max().to_numpy().astype(LD)


def lowest(x, n):
    return pd.Series(x.astype(np.float64)).rolling(n).min().to_numpy().astype(LD)


def compute(df, type_, source, p):
    h, l, c, v = (df[k].to_numpy(np.float64).astype(LD) for k in ("high", "low", "close", "volume"))
    x = price(df, source)
    if type_ == "sma":
        return {"": rolling_mean(x, p["period"])}
    if type_ == "ema":
        return {"": ema(x, p["period"])}
    if type_ == "rsi":
        change = x - shifted(x, 1)
        g = wilder(np.where(change > 0, change, 0), p["period"], 1)
        lo = wilder(np.where(change < 0, -change, 0), p["period"], 1)
        return {"": safe_ratio(100 * g, g + lo, 50)}
    if type_ == "macd":
        line = ema(x, p["fast_period"]) - ema(x, p["slow_period"])
        signal = ema(line, p["signal_period"], p["slow_period"] - 1)
        return {"": line, ".signal": signal, ".histogram": line - signal}
    if type_ == "bbands":
        n, k = p["period"], LD(p["multiplier"])
        mid, std = nan_array(len(x)), nan_array(len(x))
        w = windows(x, 0, n)
        mid[n - 1:] = w.sum(axis=1) / n
        std[n - 1:] = np.sqrt(((w - mid[n - 1:, None]) ** 2).sum(axis=1) / (n - 1))
        upper, lower = mid + k * std, mid - k * std
        return {"": mid, ".upper": upper, ".lower": lower,
                ".width": safe_ratio(upper - lower, mid, 0)}
    if type_ == "atr":
        tr = true_range(h, l, c)
        tr[0] = h[0] - l[0]
        return {"": rolling_mean(tr, p["period"])}
    if type_ == "adx":
        n = p["period"]
        up, down = h - shifted(h, 1), shifted(l, 1) - l
        plus_dm = np.where((up > down) & (up > 0), up, 0).astype(LD)
        minus_dm = np.where((down > up) & (down > 0), down, 0).astype(LD)
        tr = wilder(true_range(h, l, c), n, 1)
        plus_di = safe_ratio(100 * wilder(plus_dm, n, 1), tr, 0)
        minus_di = safe_ratio(100 * wilder(minus_dm, n, 1), tr, 0)
        dx = safe_ratio(100 * np.abs(plus_di - minus_di), plus_di + minus_di, 0)
        return {"": wilder(dx, n, n), ".plus_di": plus_di, ".minus_di": minus_di}
    if type_ == "roc":
        before = shifted(x, p["period"])
        return {"": safe_ratio(100 * (x - before), before, 0)}
    if type_ == "momentum":
        return {"": x - shifted(x, p["period"])}
    if type_ == "stochastic":
        k, d, s = p["k_period"], p["d_period"], p["smooth_k"]
        hh, ll = highest(h, k), lowest(l, k)
        raw = safe_ratio(100 * (c - ll), hh - ll, 50)
        pct_k = rolling_mean(raw, s, k - 1)
        return {"": pct_k, ".d": rolling_mean(pct_k, d, k + s - 2)}
    if type_ == "williams_r":
        n = p["period"]
        hh, ll = highest(h, n), lowest(l, n)
        return {"": safe_ratio(-100 * (hh - c), hh - ll, -50)}
    if type_ == "cci":
        n = p["period"]
        tp = price(df, "hlc3")
        out = nan_array(len(tp))
        for i in range(n - 1, len(tp)):
            w = tp[i - n + 1:i + 1]
            m = w.sum() / n
            mad = np.abs(w - m).sum() / n
            out[i] = 0 if mad == 0 else (tp[i] - m) / (LD("0.015") * mad)
        return {"": out}
    if type_ == "obv":
        step = np.sign(np.diff(c)) * v[1:]
        return {"": np.concatenate([[LD(0)], np.cumsum(step)])}
    if type_ == "mfi":
        n = p["period"]
        tp = price(df, "hlc3")
        change = tp - shifted(tp, 1)
        flow = tp * v
        pos = rolling_mean(np.where(change > 0, flow, 0).astype(LD), n, 1)
        neg = rolling_mean(np.where(change < 0, flow, 0).astype(LD), n, 1)
        return {"": safe_ratio(100 * pos, pos + neg, 100)}
    raise ValueError(type_)


def main():
    for name in ("AAPL_1h", "EURUSD_1h"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype={"timestamp": str},
                         float_precision="round_trip").head(BARS)
        out = pd.DataFrame({"timestamp": df["timestamp"]})
        for id_, type_, source, params in SPECS:
            p = {**DEFAULTS.get(type_, {}), **params}
            for suffix, values in compute(df, type_, source, p).items():
                out[id_ + suffix] = values.astype(np.float64)
        path = HERE / f"{name}_indicators.csv"
        out.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
        print(f"{path.name}: {len(out)} rows, {len(out.columns) - 1} outputs")


if __name__ == "__main__":
    main()
