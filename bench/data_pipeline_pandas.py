#!/usr/bin/python3
"""data_pipeline_pandas: the pandas baseline of bench/data_pipeline.cpp.

Does the work ktrdr's data pipeline does on one bar CSV (`<SYMBOL>_<TF>.csv`, header
timestamp,open,high,low,close,volume, ISO-8601 UTC open times), the way a competent pandas user
would, vectorised throughout:

  read     read_csv, ISO timestamp parsing
  validate duplicates (and conflicting ones), order, non-positive prices, high/low violations,
           missing values; then on the sorted distinct bars: rolling-median price outliers (MAD),
           candle spikes, zero-volume bars and runs, volume spikes, extreme moves
  gaps     the bar open times the market's calendar expects (FX: Sunday 17:00 to Friday 17:00
           New York; crypto: always) against the present ones; missing runs classified as FX
           holidays, a vendor's late week open, or real gaps; unexpected bars counted

Thresholds are those of plugins/data/src/quality_checker.hpp and gap_finder.hpp. Prints one
machine-readable line: `seconds=<best wall time of the runs> bars=… issues=… gaps=… …`.
Usage: data_pipeline_pandas.py <csv> [--runs N]
"""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

WINDOW = 21
OUTLIER_MADS = 10.0
MIN_MAD_FRACTION = 0.0005
SPIKE_RANGE_FACTOR = 10.0
SPIKE_MIN_FRACTION = 0.005
ZERO_VOLUME_RUN_MIN = 3
VOLUME_SPIKE_FACTOR = 20.0
EXTREME_MOVE_INTRADAY = 0.20
VENDOR_WEEK_OPEN_TOLERANCE = pd.Timedelta(hours=2)
FX_ROLLOVER_HOUR = 17
FX_HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1), (1, 2)}
TIMEFRAMES = {"1m": "1min", "5m": "5min", "15m": "15min", "30m": "30min", "1h": "1h", "4h": "4h"}
CURRENCIES = {"USD", "EUR", "JPY", "GBP", "CHF", "AUD", "CAD", "NZD", "SEK", "NOK", "DKK", "HKD",
              "SGD", "MXN", "ZAR", "CNH", "PLN", "TRY"}
CRYPTO_BASES = ("BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "LTC", "BNB")
PRICES = ["open", "high", "low", "close"]
VALUES = PRICES + ["volume"]


def market_of(symbol):
    s = symbol.upper()
    if len(s) == 6 and s[:3] in CURRENCIES and s[3:] in CURRENCIES:
        return "fx"
    if s.startswith(CRYPTO_BASES):
        return "crypto"
    sys.exit(f"data_pipeline_pandas: {symbol}: only forex and crypto calendars are implemented")


def read(path):
    frame = pd.read_csv(path, dtype={c: "float64" for c in VALUES}, engine="c")
    # No explicit format: pandas recognises ISO-8601 and takes its fast C path (an explicit
    # "%Y-%m-%dT%H:%M:%SZ" would go through strptime, over ten times slower).
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def row_checks(frame, issues):
    ts = frame["timestamp"]
    dup_rows = ts.duplicated(keep=False)
    if dup_rows.any():
        groups = frame[dup_rows].groupby("timestamp")[VALUES].nunique(dropna=False)
        issues["duplicate_timestamps"] = len(groups)
        conflicting = int((groups > 1).any(axis=1).sum())
        if conflicting:
            issues["conflicting_duplicates"] = conflicting
    if not ts.is_monotonic_increasing:
        issues["unsorted"] = int((ts.diff() < pd.Timedelta(0)).sum())
    values = frame[PRICES]
    non_positive = int((values <= 0).any(axis=1).sum())
    if non_positive:
        issues["non_positive_prices"] = non_positive
    body_top = np.maximum(frame["open"], frame["close"])
    body_bottom = np.minimum(frame["open"], frame["close"])
    violations = int(((frame["high"] < frame["low"]) | (frame["high"] < body_top) |
                      (frame["low"] > body_bottom)).sum())
    if violations:
        issues["high_low_violation"] = violations
    missing = int(frame[VALUES].isna().any(axis=1).sum())
    if missing:
        issues["missing_values"] = missing


def zero_volume_runs(zero):
    run_id = (zero != zero.shift()).cumsum()
    lengths = zero.groupby(run_id).agg(["first", "size"])
    lengths = lengths[lengths["first"]]["size"]
    return int((lengths >= ZERO_VOLUME_RUN_MIN).sum())


def series_checks(bars, issues):
    close = bars["close"]
    rolling = {"window": WINDOW, "center": True, "min_periods": 1}
    close_median = close.rolling(**rolling).median()
    mad = (close - close_median).abs().rolling(**rolling).median()
    scale = np.maximum(mad, MIN_MAD_FRACTION * close_median.abs())
    counts = {"price_outliers": ((close - close_median).abs() > OUTLIER_MADS * scale).sum()}
    body_top = np.maximum(bars["open"], close)
    body_bottom = np.minimum(bars["open"], close)
    wick = np.maximum(bars["high"] - body_top, body_bottom - bars["low"])
    range_median = (bars["high"] - bars["low"]).rolling(**rolling).median()
    counts["candle_spikes"] = ((wick > SPIKE_RANGE_FACTOR * range_median) &
                               (wick > SPIKE_MIN_FRACTION * close.abs())).sum()
    zero = bars["volume"] == 0
    counts["zero_volume_bars"] = zero.sum()
    counts["zero_volume_runs"] = zero_volume_runs(zero)
    volume_median = bars["volume"].rolling(**rolling).median()
    counts["volume_spikes"] = ((volume_median > 0) &
                               (bars["volume"] > VOLUME_SPIKE_FACTOR * volume_median)).sum()
    counts["extreme_moves"] = (np.log(close).diff().abs() > EXTREME_MOVE_INTRADAY).sum()
    issues.update({k: int(v) for k, v in counts.items() if v})


def expected_bars(first, last, step, market):
    """The calendar's bar open times in [first, last], on the clock grid of the series, and the
    trading date of each one's session (FX: the New York date, +1 from 17:00)."""
    grid = pd.date_range(first, last, freq=step)
    if market == "crypto":
        return grid, grid.normalize()
    local = grid.tz_convert("America/New_York")
    day, hour = local.dayofweek, local.hour
    # Monday to Thursday all day; Friday before 17:00; Sunday from 17:00.
    open_ = (day <= 3) | ((day == 4) & (hour < FX_ROLLOVER_HOUR)) | (
        (day == 6) & (hour >= FX_ROLLOVER_HOUR))
    local = local[open_]
    session_day = local.normalize().tz_localize(None) + pd.to_timedelta(
        (local.hour >= FX_ROLLOVER_HOUR).astype(int), unit="D")
    return grid[open_], session_day


def find_gaps(times, step, market):
    """Missing runs (real gaps and expected closures) and unexpected bars of sorted distinct
    `times`."""
    # The grid: the most common offset of the bars from the UTC clock.
    seconds = times.asi8 // 10**9
    step_s = step.value // 10**9
    offset = int(pd.Series(seconds % step_s).mode().iloc[0])
    first = times[0] + pd.Timedelta(seconds=int((offset - seconds[0]) % step_s))
    expected, session_day = expected_bars(first, times[-1], step, market)
    present = expected.isin(times)
    unexpected = int((~times.isin(expected)).sum())

    missing = np.flatnonzero(~present)
    if len(missing) == 0:
        return {"expected": len(expected), "gaps": 0, "missing_bars": 0, "closures": 0,
                "closure_bars": 0, "unexpected": unexpected}
    session_day = pd.DatetimeIndex(session_day)
    kind = np.zeros(len(missing), dtype=np.int8)  # 0 real gap, 1 FX holiday, 2 vendor week open
    if market == "fx":
        days = session_day[missing]
        holiday = pd.Series(days.month * 100 + days.day).isin(
            [m * 100 + d for m, d in FX_HOLIDAYS]).to_numpy()
        kind[holiday] = 1
        # A Monday session's first bars, from its open (Sunday 17:00 New York) for two hours,
        # when every bar of the session before them is missing too.
        session_id = np.cumsum(np.r_[True, session_day[1:] != session_day[:-1]])
        session_open_pos = pd.Series(np.arange(len(expected))).groupby(session_id).transform("min")
        since_open = expected - expected[session_open_pos.to_numpy()]
        gap_missing = pd.Series(~present).groupby(session_id).cumprod().to_numpy()
        vendor = ((session_day.dayofweek == 0) & (since_open < VENDOR_WEEK_OPEN_TOLERANCE) &
                  gap_missing)[missing]
        kind[vendor & ~holiday] = 2
    breaks = np.r_[True, (np.diff(missing) != 1) | (kind[1:] != kind[:-1])]
    runs = pd.DataFrame({"run": np.cumsum(breaks), "kind": kind}).groupby("run").agg(
        kind=("kind", "first"), bars=("kind", "size"))
    real = runs["kind"] == 0
    return {"expected": len(expected), "gaps": int(real.sum()),
            "missing_bars": int(runs.loc[real, "bars"].sum()), "closures": int((~real).sum()),
            "closure_bars": int(runs.loc[~real, "bars"].sum()), "unexpected": unexpected}


def pipeline(path, symbol, timeframe):
    frame = read(path)
    issues = {}
    row_checks(frame, issues)
    bars = frame.drop_duplicates("timestamp", keep="last").sort_values("timestamp",
                                                                       ignore_index=True)
    series_checks(bars, issues)
    gaps = find_gaps(pd.DatetimeIndex(bars["timestamp"]), pd.Timedelta(TIMEFRAMES[timeframe]),
                     market_of(symbol))
    return len(frame), issues, gaps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    stem = os.path.basename(args.csv).removesuffix(".csv")
    symbol, _, timeframe = stem.rpartition("_")
    if timeframe not in TIMEFRAMES:
        sys.exit(f"data_pipeline_pandas: {args.csv}: expected <SYMBOL>_<TF>.csv with an intraday TF")
    best = float("inf")
    for _ in range(max(args.runs, 1)):
        start = time.perf_counter()
        rows, issues, gaps = pipeline(args.csv, symbol, timeframe)
        best = min(best, time.perf_counter() - start)
    details = " ".join(f"{k}={v}" for k, v in sorted(issues.items()))
    print(f"seconds={best:.6f} rows={rows} issues={len(issues)} expected={gaps['expected']} "
          f"gaps={gaps['gaps']} missing_bars={gaps['missing_bars']} "
          f"closures={gaps['closures']} closure_bars={gaps['closure_bars']} "
          f"unexpected={gaps['unexpected']} {details}")


if __name__ == "__main__":
    main()
