#!/usr/bin/python3
"""Reference values for tests/training/added_indicator_test.cpp.

Computes the outputs of the indicator types added for KTRDR parity (part B: KTRDR's
BollingerBandWidth, VolumeRatio, SqueezeIntensity and DistanceFromMA; TA-Lib's WMA, KAMA, TRIX,
STOCHRSI and ULTOSC; Hull's HMA; the Z-score) straight from their textbook / KTRDR definitions —
one explicit loop per bar over whole windows, numpy long double — over the first 1500 bars of
../shared/data/AAPL_1h.csv and ../shared/data/EURUSD_1h.csv, and writes one CSV per dataset next
to this script (<name>_indicators_b.csv): `timestamp`, then one column per output, `%.17g`, NaN as
`nan`. NaN marks a bar before the indicator is defined.

Conventions (the same as the C++ headers document):
  price sources       hl2 = (h + l) / 2, hlc3 = (h + l + c) / 3, ohlc4 = (o + h + l + c) / 4, in
                      double
  bollinger_band_width  SMA(n) +/- m * sample std (ddof 1); (upper - lower) / middle, 0 when
                      |middle| <= 1e-10 (KTRDR)
  volume_ratio        volume / SMA(volume, n), 1 when |SMA| <= 1e-10 (KTRDR)
  squeeze_intensity   KTRDR: BB as above over the source; KC middle = close EMA alpha 2/(kc+1)
                      started at the first close, ATR = 10-bar mean of the true range (bar 0:
                      h - l); max(0, min(KCU - BBU, BBL - KCL) / (KCU - KCL)), 0 when the channel
                      width <= 1e-10
  distance_from_ma    100 (x - MA) / MA, 0 when |MA| <= 1e-10; MA = SMA(n) or, with ma_type EMA,
                      KTRDR's EMA (pandas ewm adjust=True: weights (1 - alpha)^k over every bar
                      so far)
  wma                 weights 1..n, newest heaviest
  hma                 WMA(2 WMA(x, n // 2) - WMA(x, n), floor(sqrt(n)))
  kama                TA-Lib: ER = |x - x[n]| / sum |dx| over n steps (1 when the path is 0),
                      sc = (ER (2/(f+1) - 2/(s+1)) + 2/(s+1))^2, started from x[n-1] at bar n
  trix                100 (E3 / E3[1] - 1), E3 the triple EMA (each seeded with the SMA of its
                      first n inputs), 0 when E3[1] = 0
  stoch_rsi           Wilder RSI(n) (50 with neither gains nor losses); %K = 100 (RSI - min) /
                      (max - min) over k bars, 0 when max = min; %D = SMA(d) of %K
  ultimate_oscillator TA-Lib: BP = C - min(L, C[1]), TR true range, from bar 1; A_p = sum BP /
                      sum TR (0 when sum TR = 0); 100 (4 A_short + 2 A_mid + A_long) / 7, the
                      periods sorted
  zscore              (x - SMA(n)) / sample std (ddof 1), 0 over a flat window

Run with Debian's python3 (pandas and numpy installed): /usr/bin/python3 make_indicator_reference_b.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2].parent / "shared" / "data"
BARS = 1500
LD = np.longdouble
NAN = LD("nan")

# (id, type, source, params, options): keep in step with kReferenceSpecs in
# added_indicator_test.cpp.
SPECS = [
    ("bbw", "bollinger_band_width", "close", {}, {}),
    ("bbw_10_hl2", "bollinger_band_width", "hl2", {"period": 10, "multiplier": 1.5}, {}),
    ("volume_ratio", "volume_ratio", "close", {}, {}),
    ("volume_ratio_5", "volume_ratio", "close", {"period": 5}, {}),
    ("squeeze", "squeeze_intensity", "close", {}, {}),
    ("squeeze_10_15_hlc3", "squeeze_intensity", "hlc3",
     {"bb_period": 10, "bb_multiplier": 1.5, "kc_period": 15, "kc_multiplier": 1.0}, {}),
    ("dist", "distance_from_ma", "close", {}, {}),
    ("dist_ema_10_open", "distance_from_ma", "open", {"period": 10}, {"ma_type": "EMA"}),
    ("wma", "wma", "close", {}, {}),
    ("wma_7_hl2", "wma", "hl2", {"period": 7}, {}),
    ("hma", "hma", "close", {}, {}),
    ("hma_9_low", "hma", "low", {"period": 9}, {}),
    ("kama", "kama", "close", {}, {}),
    ("kama_10_3_20", "kama", "close", {"period": 10, "fast_period": 3, "slow_period": 20}, {}),
    ("trix", "trix", "close", {}, {}),
    ("trix_9_ohlc4", "trix", "ohlc4", {"period": 9}, {}),
    ("stoch_rsi", "stoch_rsi", "close", {}, {}),
    ("stoch_rsi_9_3_2_high", "stoch_rsi", "high", {"period": 9, "k_period": 3, "d_period": 2}, {}),
    ("ultosc", "ultimate_oscillator", "close", {}, {}),
    ("ultosc_14_5_10", "ultimate_oscillator", "close",
     {"period1": 14, "period2": 5, "period3": 10}, {}),
    ("zscore", "zscore", "close", {}, {}),
    ("zscore_10_hlc3", "zscore", "hlc3", {"period": 10}, {}),
]

DEFAULTS = {
    "bollinger_band_width": {"period": 20, "multiplier": 2.0},
    "volume_ratio": {"period": 20},
    "squeeze_intensity": {"bb_period": 20, "bb_multiplier": 2.0, "kc_period": 20,
                          "kc_multiplier": 2.0},
    "distance_from_ma": {"period": 20, "ma_type": "SMA"},
    "wma": {"period": 30},
    "hma": {"period": 20},
    "kama": {"period": 30, "fast_period": 2, "slow_period": 30},
    "trix": {"period": 30},
    "stoch_rsi": {"period": 14, "k_period": 5, "d_period": 3},
    "ultimate_oscillator": {"period1": 7, "period2": 14, "period3": 28},
    "zscore": {"period": 20},
}


def column(df, name):
    return df[name].to_numpy(np.float64)


def price(df, source):
    o, h, l, c = (column(df, k) for k in ("open", "high", "low", "close"))
    prices = {
        "close": c, "open": o, "high": h, "low": l,
        "hl2": (h + l) / 2, "hlc3": (h + l + c) / 3, "ohlc4": (o + h + l + c) / 4,
    }
    return prices[source].astype(LD)


def empty(n):
    return np.full(n, NAN, dtype=LD)


def is_nan(v):
    return v != v


def sma(x, n):
    """Mean of x[i-n+1 .. i] where all of it is defined."""
    out = empty(len(x))
    for i in range(n - 1, len(x)):
        window = x[i - n + 1:i + 1]
        if not any(is_nan(v) for v in window):
            out[i] = sum(window, LD(0)) / n
    return out


def sample_std(window):
    mean = sum(window, LD(0)) / len(window)
    return np.sqrt(sum(((v - mean) ** 2 for v in window), LD(0)) / (len(window) - 1))


def bands(x, n, m):
    middle, upper, lower = empty(len(x)), empty(len(x)), empty(len(x))
    for i in range(n - 1, len(x)):
        window = x[i - n + 1:i + 1]
        mean = sum(window, LD(0)) / n
        spread = m * sample_std(window)
        middle[i], upper[i], lower[i] = mean, mean + spread, mean - spread
    return middle, upper, lower


def wma(x, n):
    out = empty(len(x))
    total = LD(n * (n + 1)) / 2
    for i in range(n - 1, len(x)):
        window = x[i - n + 1:i + 1]
        if not any(is_nan(v) for v in window):
            out[i] = sum((LD(k + 1) * v for k, v in enumerate(window)), LD(0)) / total
    return out


def ema_seeded(x, n):
    """EMA alpha 2/(n+1) over the defined part of x, seeded with the mean of its first n values."""
    out = empty(len(x))
    start = next(i for i, v in enumerate(x) if not is_nan(v))
    seed = start + n - 1
    alpha = LD(2) / (n + 1)
    avg = sum(x[start:seed + 1], LD(0)) / n
    out[seed] = avg
    for i in range(seed + 1, len(x)):
        avg = avg + alpha * (x[i] - avg)
        out[i] = avg
    return out


def true_range(h, l, c):
    tr = empty(len(c))
    for i in range(1, len(c)):
        tr[i] = max(h[i] - l[i], abs(h[i] - c[i - 1]), abs(l[i] - c[i - 1]))
    return tr


def rsi(x, n):
    gains, losses = [LD(0)], [LD(0)]
    for i in range(1, len(x)):
        change = x[i] - x[i - 1]
        gains.append(max(change, LD(0)))
        losses.append(max(-change, LD(0)))
    out = empty(len(x))
    gain = sum(gains[1:n + 1], LD(0)) / n
    loss = sum(losses[1:n + 1], LD(0)) / n
    for i in range(n, len(x)):
        if i > n:
            gain = gain + (gains[i] - gain) / n
            loss = loss + (losses[i] - loss) / n
        out[i] = LD(50) if gain + loss == 0 else 100 * gain / (gain + loss)
    return out


def bollinger_band_width(df, source, p, o):
    middle, upper, lower = bands(price(df, source), p["period"], LD(p["multiplier"]))
    out = empty(len(df))
    for i in range(len(df)):
        if not is_nan(middle[i]):
            out[i] = (upper[i] - lower[i]) / middle[i] if abs(middle[i]) > 1e-10 else LD(0)
    return {"": out}


def volume_ratio(df, source, p, o):
    v = column(df, "volume").astype(LD)
    mean = sma(v, p["period"])
    out = empty(len(df))
    for i in range(len(df)):
        if not is_nan(mean[i]):
            out[i] = v[i] / mean[i] if abs(mean[i]) > 1e-10 else LD(1)
    return {"": out}


def squeeze_intensity(df, source, p, o):
    h, l, c = (column(df, k).astype(LD) for k in ("high", "low", "close"))
    _, bb_upper, bb_lower = bands(price(df, source), p["bb_period"], LD(p["bb_multiplier"]))
    alpha = LD(2) / (p["kc_period"] + 1)
    middle = empty(len(c))
    middle[0] = c[0]
    for i in range(1, len(c)):
        middle[i] = middle[i - 1] + alpha * (c[i] - middle[i - 1])
    tr = true_range(h, l, c)
    tr[0] = h[0] - l[0]
    atr = sma(tr, 10)
    m = LD(p["kc_multiplier"])
    out = empty(len(c))
    for i in range(len(c)):
        if is_nan(bb_upper[i]) or is_nan(atr[i]):
            continue
        kc_upper, kc_lower = middle[i] + m * atr[i], middle[i] - m * atr[i]
        width = kc_upper - kc_lower
        if abs(width) > 1e-10:
            inside = min((kc_upper - bb_upper[i]) / width, (bb_lower[i] - kc_lower) / width)
            out[i] = max(LD(0), inside)
        else:
            out[i] = LD(0)
    return {"": out}


def distance_from_ma(df, source, p, o):
    x = price(df, source)
    n = p["period"]
    if o.get("ma_type", "SMA") == "SMA":
        ma = sma(x, n)
    else:
        decay = 1 - LD(2) / (n + 1)
        ma = empty(len(x))
        for i in range(len(x)):
            weights = [decay ** (i - j) for j in range(i + 1)]
            ma[i] = sum((w * x[j] for j, w in enumerate(weights)), LD(0)) / sum(weights, LD(0))
    out = empty(len(x))
    for i in range(len(x)):
        if not is_nan(ma[i]):
            out[i] = (x[i] - ma[i]) / ma[i] * 100 if abs(ma[i]) > 1e-10 else LD(0)
    return {"": out}


def wma_type(df, source, p, o):
    return {"": wma(price(df, source), p["period"])}


def hma(df, source, p, o):
    x = price(df, source)
    n = p["period"]
    raw = 2 * wma(x, n // 2) - wma(x, n)
    return {"": wma(raw, int(np.floor(np.sqrt(n))))}


def kama(df, source, p, o):
    x = price(df, source)
    n = p["period"]
    fastest, slowest = LD(2) / (p["fast_period"] + 1), LD(2) / (p["slow_period"] + 1)
    out = empty(len(x))
    value = x[n - 1]
    for i in range(n, len(x)):
        change = abs(x[i] - x[i - n])
        path = sum((abs(x[k] - x[k - 1]) for k in range(i - n + 1, i + 1)), LD(0))
        efficiency = LD(1) if path == 0 else change / path
        sc = (efficiency * (fastest - slowest) + slowest) ** 2
        value = value + sc * (x[i] - value)
        out[i] = value
    return {"": out}


def trix(df, source, p, o):
    n = p["period"]
    e3 = ema_seeded(ema_seeded(ema_seeded(price(df, source), n), n), n)
    out = empty(len(e3))
    for i in range(1, len(e3)):
        if not is_nan(e3[i - 1]):
            out[i] = LD(0) if e3[i - 1] == 0 else 100 * (e3[i] / e3[i - 1] - 1)
    return {"": out}


def stoch_rsi(df, source, p, o):
    r = rsi(price(df, source), p["period"])
    k_n = p["k_period"]
    k = empty(len(r))
    for i in range(k_n - 1, len(r)):
        window = r[i - k_n + 1:i + 1]
        if any(is_nan(v) for v in window):
            continue
        hi, lo = max(window), min(window)
        k[i] = LD(0) if hi == lo else 100 * (r[i] - lo) / (hi - lo)
    return {"": k, ".d": sma(k, p["d_period"])}


def ultimate_oscillator(df, source, p, o):
    h, l, c = (column(df, k).astype(LD) for k in ("high", "low", "close"))
    short, mid, long_ = sorted((p["period1"], p["period2"], p["period3"]))
    tr = true_range(h, l, c)
    bp = empty(len(c))
    for i in range(1, len(c)):
        bp[i] = c[i] - min(l[i], c[i - 1])

    def average(i, n):
        total_tr = sum(tr[i - n + 1:i + 1], LD(0))
        return LD(0) if total_tr == 0 else sum(bp[i - n + 1:i + 1], LD(0)) / total_tr

    out = empty(len(c))
    for i in range(long_, len(c)):
        out[i] = 100 * (4 * average(i, short) + 2 * average(i, mid) + average(i, long_)) / 7
    return {"": out}


def zscore(df, source, p, o):
    x = price(df, source)
    n = p["period"]
    out = empty(len(x))
    for i in range(n - 1, len(x)):
        window = x[i - n + 1:i + 1]
        deviation = sample_std(window)
        mean = sum(window, LD(0)) / n
        out[i] = LD(0) if deviation == 0 else (x[i] - mean) / deviation
    return {"": out}


COMPUTE = {
    "bollinger_band_width": bollinger_band_width,
    "volume_ratio": volume_ratio,
    "squeeze_intensity": squeeze_intensity,
    "distance_from_ma": distance_from_ma,
    "wma": wma_type,
    "hma": hma,
    "kama": kama,
    "trix": trix,
    "stoch_rsi": stoch_rsi,
    "ultimate_oscillator": ultimate_oscillator,
    "zscore": zscore,
}


def main():
    for name in ("AAPL_1h", "EURUSD_1h"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype={"timestamp": str},
                         float_precision="round_trip").head(BARS)
        out = pd.DataFrame({"timestamp": df["timestamp"]})
        for id_, type_, source, params, options in SPECS:
            p = {**DEFAULTS[type_], **params}
            for suffix, values in COMPUTE[type_](df, source, p, options).items():
                out[id_ + suffix] = values.astype(np.float64)
        path = HERE / f"{name}_indicators_b.csv"
        out.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
        print(f"{path.name}: {len(out)} rows, {len(out.columns) - 1} outputs")


if __name__ == "__main__":
    main()
