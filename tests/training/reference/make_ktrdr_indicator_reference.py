#!/usr/bin/python3
"""Reference values for tests/training/ktrdr_indicator_test.cpp.

An independent implementation, from the formulas of KTRDR's indicators (ktrdr/indicators/*.py), of
the indicator types ktrdr added for KTRDR parity, and of the non-default conventions of ATR
(smoothing: wilder) and Bollinger Bands (ddof 0). Plain loops over whole windows in numpy long
double; no code shared with the C++. Over the first 1500 bars of ../shared/data/AAPL_1h.csv and
../shared/data/EURUSD_1h.csv it writes one CSV per dataset next to this script:
`timestamp` then one column per output (`id`, `id.output`), `%.17g`, NaN as `nan`.

Formulas (KTRDR's, with ktrdr's documented choices where KTRDR's output is NaN or undefined):
  ZigZag        from bar 0, the first move of >= threshold from the last point sets the
                direction; a further extreme moves the last point; a reverse move of >= threshold
                marks a new point. Value at points, NaN elsewhere (looks ahead)
  VWAP          sum(price * volume) / sum(volume) over `period` bars (0: from bar 0); price the
                typical price or the close; NaN when the volume sums to 0; NaN before period - 1
  Parabolic SAR bar 1 starts up if close1 > close0 (SAR low0, EP high1) else down (SAR high0,
                EP low1); SAR += AF (EP - SAR); a cross reverses (SAR = EP, AF reset, EP = the
                bar's extreme); otherwise capped by the two previous lows (highs), a new extreme
                raises AF by step up to max
  Ichimoku      tenkan/kijun/senkou B: (HH + LL) / 2 over their periods; senkou A = mean of
                tenkan and kijun; chikou = close; nothing shifted
  RVI           1-2-2-1 weighted (/6) close - open and high - low from bar 3; RVI = SMA(num) /
                SMA(den) (0 when the latter is 0); signal = SMA(signal_period) of RVI
  Aroon         window of `period` bars; up = 100 (period - bars since the highest high, the
                earliest on ties) / period; down likewise; oscillator = up - down
  Donchian      upper = HH, lower = LL over `period`; middle = their mean
  Keltner       middle = EMA(period) of the close started at bar 0 (alpha 2 / (n + 1));
                bands = middle +/- multiplier * ATR (mean of atr_period true ranges, TR0 = h - l)
  A/D Line      running sum of ((c - l) - (h - c)) / (h - l) * volume (0 when h = l);
                sma = SMA(smoothing_period) of the line
  CMF           sum of that money flow volume / sum of volume over `period` (0 when no volume)
  SuperTrend    ATR as Keltner's; basic bands hl2 +/- multiplier ATR; final bands and direction
                by KTRDR's rules, starting at bar period - 1
  Fisher        x = 2 (hl2 - LL) / (HH - LL) - 1 (0 when HH = LL), clipped to +/-0.999;
                0.5 ln((1 + x) / (1 - x)); EMA(smoothing) started at its first value; signal =
                the previous Fisher
  ATR wilder    Wilder average of the true range from bar 1, seeded with the mean of the first n
  BBands ddof 0 SMA +/- multiplier * population std; width = (upper - lower) / middle

Run with Debian's python3 (pandas and numpy installed):
/usr/bin/python3 make_ktrdr_indicator_reference.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2].parent / "shared" / "data"
BARS = 1500
LD = np.longdouble
NAN = LD("nan")

# (id, type, params): keep in step with kSpecs in ktrdr_indicator_test.cpp.
SPECS = [
    ("zigzag", "zigzag", {}),
    ("zigzag_1", "zigzag", {"threshold": 0.01}),
    ("zigzag_03", "zigzag", {"threshold": 0.003}),
    ("vwap", "vwap", {}),
    ("vwap_cum", "vwap", {"period": 0}),
    ("vwap_10_close", "vwap", {"period": 10, "use_typical_price": False}),
    ("psar", "parabolic_sar", {}),
    ("psar_slow", "parabolic_sar", {"initial_af": 0.01, "step_af": 0.01, "max_af": 0.1}),
    ("ichimoku", "ichimoku", {}),
    ("ichimoku_5", "ichimoku", {"tenkan_period": 5, "kijun_period": 10, "senkou_b_period": 20}),
    ("rvi", "rvi", {}),
    ("rvi_4_2", "rvi", {"period": 4, "signal_period": 2}),
    ("aroon", "aroon", {}),
    ("aroon_25", "aroon", {"period": 25, "include_oscillator": True}),
    ("dc", "donchian_channels", {}),
    ("dc_5", "donchian_channels", {"period": 5}),
    ("kc", "keltner_channels", {}),
    ("kc_10", "keltner_channels", {"period": 10, "atr_period": 5, "multiplier": 1.5}),
    ("ad", "ad_line", {}),
    ("ad_sma", "ad_line", {"use_sma_smoothing": True, "smoothing_period": 10}),
    ("cmf", "cmf", {}),
    ("cmf_5", "cmf", {"period": 5}),
    ("st", "supertrend", {}),
    ("st_7", "supertrend", {"period": 7, "multiplier": 2.0}),
    ("fisher", "fisher_transform", {}),
    ("fisher_5_1", "fisher_transform", {"period": 5, "smoothing": 1}),
    ("atr_wilder", "atr", {"smoothing": "wilder"}),
    ("bb_pop", "bbands", {"period": 10, "ddof": 0}),
]

DEFAULTS = {
    "zigzag": {"threshold": 0.05},
    "vwap": {"period": 20, "use_typical_price": True},
    "parabolic_sar": {"initial_af": 0.02, "step_af": 0.02, "max_af": 0.2},
    "ichimoku": {"tenkan_period": 9, "kijun_period": 26, "senkou_b_period": 52},
    "rvi": {"period": 10, "signal_period": 4},
    "aroon": {"period": 14, "include_oscillator": False},
    "donchian_channels": {"period": 20},
    "keltner_channels": {"period": 20, "atr_period": 10, "multiplier": 2.0},
    "ad_line": {"use_sma_smoothing": False, "smoothing_period": 21},
    "cmf": {"period": 21},
    "supertrend": {"period": 10, "multiplier": 3.0},
    "fisher_transform": {"period": 10, "smoothing": 3},
    "atr": {"period": 14},
    "bbands": {"period": 20, "multiplier": 2.0},
}


def nans(n):
    return np.full(n, NAN, dtype=LD)


def sma(x, n, start=0):
    """Mean of x[i-n+1 .. i] for i >= start + n - 1, each window summed afresh."""
    out = nans(len(x))
    for i in range(start + n - 1, len(x)):
        out[i] = sum(x[i - n + 1:i + 1], LD(0)) / n
    return out


def highest(x, n):
    out = nans(len(x))
    for i in range(n - 1, len(x)):
        out[i] = max(x[i - n + 1:i + 1])
    return out


def lowest(x, n):
    out = nans(len(x))
    for i in range(n - 1, len(x)):
        out[i] = min(x[i - n + 1:i + 1])
    return out


def ema_from_first(x, n, start):
    """pandas ewm(span=n, adjust=False) of x[start:]: starts at x[start]."""
    out = nans(len(x))
    alpha = LD(2) / (n + 1)
    out[start] = x[start]
    for i in range(start + 1, len(x)):
        out[i] = alpha * x[i] + (1 - alpha) * out[i - 1]
    return out


def true_ranges(h, l, c):
    tr = nans(len(h))
    tr[0] = h[0] - l[0]
    for i in range(1, len(h)):
        tr[i] = max(h[i] - l[i], abs(h[i] - c[i - 1]), abs(l[i] - c[i - 1]))
    return tr


def zigzag(x, threshold):
    out = nans(len(x))
    out[0] = x[0]
    last, direction = 0, 0
    for i in range(1, len(x)):
        move = (x[i] - x[last]) / x[last]
        if direction == 0:
            if abs(move) >= threshold:
                direction = 1 if move > 0 else -1
                out[i], last = x[i], i
        elif direction == 1:
            if x[i] > x[last]:
                out[last] = NAN
                out[i], last = x[i], i
            elif move <= -threshold:
                direction = -1
                out[i], last = x[i], i
        else:
            if x[i] < x[last]:
                out[last] = NAN
                out[i], last = x[i], i
            elif move >= threshold:
                direction = 1
                out[i], last = x[i], i
    return out


def vwap(price, v, period):
    out = nans(len(price))
    for i in range(len(price)):
        if period > 0 and i < period - 1:
            continue
        lo = 0 if period == 0 else i - period + 1
        volume = sum(v[lo:i + 1], LD(0))
        traded = sum((price[j] * v[j] for j in range(lo, i + 1)), LD(0))
        out[i] = NAN if volume == 0 else traded / volume
    return out


def parabolic_sar(h, l, c, initial, step, most):
    sar = nans(len(h))
    up = c[1] > c[0]
    ep = h[1] if up else l[1]
    sar[1] = l[0] if up else h[0]
    af = initial
    for i in range(2, len(h)):
        s = sar[i - 1] + af * (ep - sar[i - 1])
        if up and l[i] <= s:
            up, s, af, ep = False, ep, initial, l[i]
        elif not up and h[i] >= s:
            up, s, af, ep = True, ep, initial, h[i]
        elif up:
            s = min(s, l[i - 1], l[i - 2])
            if h[i] > ep:
                ep, af = h[i], min(af + step, most)
        else:
            s = max(s, h[i - 1], h[i - 2])
            if l[i] < ep:
                ep, af = l[i], min(af + step, most)
        sar[i] = s
    return sar


def rvi(o, h, l, c, period, signal_period):
    num, den = nans(len(c)), nans(len(c))
    w = (1, 2, 2, 1)
    for i in range(3, len(c)):
        num[i] = sum(w[k] * (c[i - 3 + k] - o[i - 3 + k]) for k in range(4)) / 6
        den[i] = sum(w[k] * (h[i - 3 + k] - l[i - 3 + k]) for k in range(4)) / 6
    num_ma, den_ma = sma(num, period, 3), sma(den, period, 3)
    line = nans(len(c))
    for i in range(period + 2, len(c)):
        line[i] = 0 if den_ma[i] == 0 else num_ma[i] / den_ma[i]
    return line, sma(line, signal_period, period + 2)


def aroon(h, l, period):
    up, down = nans(len(h)), nans(len(h))
    for i in range(period - 1, len(h)):
        hw, lw = list(h[i - period + 1:i + 1]), list(l[i - period + 1:i + 1])
        since_high = period - 1 - hw.index(max(hw))
        since_low = period - 1 - lw.index(min(lw))
        up[i] = LD(100) * (period - since_high) / period
        down[i] = LD(100) * (period - since_low) / period
    return up, down


def money_flow_volume(h, l, c, v):
    out = nans(len(h))
    for i in range(len(h)):
        rng = h[i] - l[i]
        out[i] = (0 if rng == 0 else ((c[i] - l[i]) - (h[i] - c[i])) / rng) * v[i]
    return out


def supertrend(h, l, c, period, multiplier):
    atr = sma(true_ranges(h, l, c), period)
    line, direction = nans(len(h)), nans(len(h))
    start = period - 1
    for i in range(start, len(h)):
        mid = (h[i] + l[i]) / 2
        bu, bl = mid + multiplier * atr[i], mid - multiplier * atr[i]
        if i == start:
            fu, fl = bu, bl
            up = not (c[i] <= fl)
        else:
            fu = bu if (bu < fu or c[i - 1] > fu) else fu
            fl = bl if (bl > fl or c[i - 1] < fl) else fl
            up = (not c[i] <= fl) if up else (c[i] >= fu)
        line[i] = fl if up else fu
        direction[i] = 1 if up else -1
    return line, direction


def fisher(h, l, period, smoothing):
    mid = (h + l) / 2
    hh, ll = highest(h, period), lowest(l, period)
    raw = nans(len(h))
    for i in range(period - 1, len(h)):
        rng = hh[i] - ll[i]
        x = 0 if rng == 0 else 2 * ((mid[i] - ll[i]) / rng) - 1
        x = min(max(x, LD("-0.999")), LD("0.999"))
        raw[i] = LD("0.5") * np.log((1 + x) / (1 - x))
    line = ema_from_first(raw, smoothing, period - 1)
    signal = nans(len(h))
    signal[1:] = line[:-1]
    return line, signal


def compute(df, type_, p):
    o, h, l, c, v = (df[k].to_numpy(np.float64).astype(LD)
                     for k in ("open", "high", "low", "close", "volume"))
    if type_ == "zigzag":
        return {"": zigzag(c, LD(p["threshold"]))}
    if type_ == "vwap":
        price = (h + l + c) / 3 if p["use_typical_price"] else c
        return {"": vwap(price, v, p["period"])}
    if type_ == "parabolic_sar":
        return {"": parabolic_sar(h, l, c, LD(p["initial_af"]), LD(p["step_af"]), LD(p["max_af"]))}
    if type_ == "ichimoku":
        def mid(n):
            return (highest(h, n) + lowest(l, n)) / 2
        tenkan, kijun = mid(p["tenkan_period"]), mid(p["kijun_period"])
        return {"": tenkan, ".kijun": kijun, ".senkou_a": (tenkan + kijun) / 2,
                ".senkou_b": mid(p["senkou_b_period"]), ".chikou": c.copy()}
    if type_ == "rvi":
        line, signal = rvi(o, h, l, c, p["period"], p["signal_period"])
        return {"": line, ".signal": signal}
    if type_ == "aroon":
        up, down = aroon(h, l, p["period"])
        out = {"": up, ".down": down}
        if p["include_oscillator"]:
            out[".oscillator"] = up - down
        return out
    if type_ == "donchian_channels":
        upper, lower = highest(h, p["period"]), lowest(l, p["period"])
        return {"": upper, ".middle": (upper + lower) / 2, ".lower": lower}
    if type_ == "keltner_channels":
        middle = ema_from_first(c, p["period"], 0)
        atr = sma(true_ranges(h, l, c), p["atr_period"])
        k = LD(p["multiplier"])
        return {"": middle + k * atr, ".middle": middle, ".lower": middle - k * atr}
    if type_ == "ad_line":
        line = np.cumsum(money_flow_volume(h, l, c, v))
        out = {"": line}
        if p["use_sma_smoothing"]:
            out[".sma"] = sma(line, p["smoothing_period"])
        return out
    if type_ == "cmf":
        n = p["period"]
        mfv = money_flow_volume(h, l, c, v)
        out = nans(len(c))
        for i in range(n - 1, len(c)):
            volume = sum(v[i - n + 1:i + 1], LD(0))
            out[i] = 0 if volume == 0 else sum(mfv[i - n + 1:i + 1], LD(0)) / volume
        return {"": out}
    if type_ == "supertrend":
        line, direction = supertrend(h, l, c, p["period"], LD(p["multiplier"]))
        return {"": line, ".direction": direction}
    if type_ == "fisher_transform":
        line, signal = fisher(h, l, p["period"], p["smoothing"])
        return {"": line, ".signal": signal}
    if type_ == "atr":
        n = p["period"]
        tr = true_ranges(h, l, c)
        out = nans(len(c))
        avg = sum(tr[1:n + 1], LD(0)) / n
        out[n] = avg
        for i in range(n + 1, len(c)):
            avg = (avg * (n - 1) + tr[i]) / n
            out[i] = avg
        return {"": out}
    if type_ == "bbands":
        n, k = p["period"], LD(p["multiplier"])
        mid, upper, lower, width = nans(len(c)), nans(len(c)), nans(len(c)), nans(len(c))
        for i in range(n - 1, len(c)):
            w = c[i - n + 1:i + 1]
            m = sum(w, LD(0)) / n
            std = np.sqrt(sum(((x - m) ** 2 for x in w), LD(0)) / n)
            mid[i], upper[i], lower[i] = m, m + k * std, m - k * std
            width[i] = 0 if m == 0 else (upper[i] - lower[i]) / m
        return {"": mid, ".upper": upper, ".lower": lower, ".width": width}
    raise ValueError(type_)


def main():
    for name in ("AAPL_1h", "EURUSD_1h"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype={"timestamp": str},
                         float_precision="round_trip").head(BARS)
        columns = {"timestamp": df["timestamp"]}
        for id_, type_, params in SPECS:
            p = {**DEFAULTS[type_], **params}
            for suffix, values in compute(df, type_, p).items():
                columns[id_ + suffix] = values.astype(np.float64)
        out = pd.DataFrame(columns)
        path = HERE / f"{name}_ktrdr_indicators.csv"
        out.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
        print(f"{path.name}: {len(out)} rows, {len(out.columns) - 1} outputs")


if __name__ == "__main__":
    main()
