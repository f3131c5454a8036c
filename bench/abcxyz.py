#!/usr/bin/env python3
"""ABC-XYZ benchmark: `qualify abcxyz` against pandas computing the same classes, in the same run.

  1. Generates (seeded, cached in bench/out/) synthetic transactions: N customers (default 1,000,000) over 24 months,
     with steady, fluctuating, sporadic and one-off buyers and a heavy-tailed revenue per customer; CSV with the
     header `customer,date,amount`, rows in date order (as exports come).
  2. Times `qualify abcxyz FILE --customers OUT --format csv` (wall time of the process: read, classify, write every
     customer's class).
  3. Times pandas doing the same work the idiomatic way (read_csv, to_datetime, groupby per customer and month,
     per-customer CV with zero months inside the span, cumulative shares, the same class rules) and writing its
     classes to CSV.
  4. Compares the two results customer by customer (every customer's ABC and XYZ class must agree) and prints the ratio.

Usage: python3 bench/abcxyz.py [--customers 1000000] [--months 24] [--seed 1] [--binary .build-release-abc/release/qualify]
Needs: a release build (swift build -c release --product qualify --scratch-path .build-release-abc), pip install pandas.
"""
import argparse, os, resource, subprocess, sys, time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOLERANCE = 1e-9  # AbcXyzSettings.tolerance: shares and CVs this close to a cut-off count as on it


def generate(path, customers, months, seed):
    """Synthetic transactions; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n = customers
    # profile: 0 steady, 1 fluctuating, 2 sporadic, 3 one-off
    profile = rng.choice(4, size=n, p=[0.30, 0.25, 0.35, 0.10])
    start = rng.integers(0, months, size=n)
    end = np.minimum(months - 1, start + rng.integers(0, months, size=n))
    end = np.where(profile == 3, start, end)
    base = np.exp(rng.normal(5.0, 1.3, size=n))  # heavy-tailed customer size (mean monthly spend)
    buy_p = np.array([0.95, 0.6, 0.2, 1.0])[profile]
    noise_sigma = np.array([0.15, 0.8, 1.2, 0.5])[profile]
    rows_c, rows_m, rows_a = [], [], []
    for m in range(months):
        active = (m >= start) & (m <= end) & ((rng.random(n) < buy_p) | (m == start) | (m == end))
        idx = np.nonzero(active)[0]
        count = 1 + (rng.random(idx.size) < 0.3) + (rng.random(idx.size) < 0.1)
        idx = np.repeat(idx, count)
        amount = base[idx] * np.exp(rng.normal(0, noise_sigma[idx])) / count.repeat(count)
        rows_c.append(idx)
        rows_m.append(np.full(idx.size, m))
        rows_a.append(np.round(amount, 2))
    c = np.concatenate(rows_c)
    m = np.concatenate(rows_m)
    a = np.concatenate(rows_a)
    day = rng.integers(1, 29, size=c.size)
    order = np.lexsort((c, day, m))  # by date, as an export would list them
    c, m, a, day = c[order], m[order], a[order], day[order]
    year = 2023 + m // 12
    month = m % 12 + 1
    ids = np.char.add("C", np.char.zfill(c.astype(str), 7))
    dates = np.char.add(np.char.add(np.char.add(year.astype(str), "-"), np.char.zfill(month.astype(str), 2)),
                        np.char.add("-", np.char.zfill(day.astype(str), 2)))
    df = pd.DataFrame({"customer": ids, "date": dates, "amount": a})
    tmp = path + ".tmp"
    df.to_csv(tmp, index=False, float_format="%.2f")
    os.replace(tmp, path)
    return len(df)


def pandas_abcxyz(path, out, a_cut=0.80, b_cut=0.95, x_cut=0.5, y_cut=1.0):
    """The peer: pandas, written the way an analyst would (vectorized, no Python loop per customer)."""
    df = pd.read_csv(path, usecols=["customer", "date", "amount"], dtype={"customer": str, "date": str, "amount": "float64"})
    d = pd.to_datetime(df["date"], format="%Y-%m-%d")
    df["period"] = d.dt.year * 12 + d.dt.month - 1
    cells = df.groupby(["customer", "period"], sort=False)["amount"].sum().reset_index()
    per = cells.groupby("customer", sort=False).agg(revenue=("amount", "sum"), first=("period", "min"),
                                                    last=("period", "max"), cells=("period", "size"))
    per["span"] = per["last"] - per["first"] + 1
    per["mean"] = per["revenue"] / per["span"]
    cells = cells.join(per["mean"], on="customer")
    cells["sq"] = (cells["amount"] - cells["mean"]) ** 2
    squares = cells.groupby("customer", sort=False)["sq"].sum() + (per["span"] - per["cells"]) * per["mean"] ** 2
    per["cv"] = np.sqrt(squares / per["span"]) / per["mean"]
    per.loc[per["span"] == 1, "cv"] = np.nan
    pos = per[per["revenue"] > 0].reset_index().sort_values(["revenue", "customer"], ascending=[False, True])
    total = pos["revenue"].sum()
    before = pos["revenue"].cumsum().shift(1, fill_value=0.0) / total
    pos["abc"] = np.where(before < a_cut - TOLERANCE, "A", np.where(before < b_cut - TOLERANCE, "B", "C"))
    cv = pos["cv"]
    pos["xyz"] = np.where(cv.isna(), "Z", np.where(cv <= x_cut + TOLERANCE, "X", np.where(cv <= y_cut + TOLERANCE, "Y", "Z")))
    pos[["customer", "revenue", "abc", "xyz", "cv"]].to_csv(out, index=False)
    return pos


def timed(fn):
    """Wall time, CPU time (this process and its finished children: user + system) and the value."""
    def cpu():
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    t, c = time.perf_counter(), cpu()
    value = fn()
    return time.perf_counter() - t, cpu() - c, value


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release-abc", "release", "qualify"))
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each side; the best is reported")
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: swift build -c release --product qualify --scratch-path .build-release-abc")

    out_dir = os.path.join(HERE, "out", f"abcxyz-{args.customers}-{args.months}-{args.seed}")
    os.makedirs(out_dir, exist_ok=True)
    data = os.path.join(out_dir, "transactions.csv")
    if not os.path.exists(data):
        t, _, rows = timed(lambda: generate(data, args.customers, args.months, args.seed))
        print(f"generated {rows:,} transactions in {t:.1f} s → {data}")
    size_mb = os.path.getsize(data) / 1e6
    with open(data, "rb") as f:
        rows = sum(1 for _ in f) - 1
    print(f"data: {args.customers:,} customers × {args.months} months, {rows:,} transactions, {size_mb:.0f} MB")

    q_out = os.path.join(out_dir, "qualify-customers.csv")
    p_out = os.path.join(out_dir, "pandas-customers.csv")
    q_times, p_times, q_cpu, p_cpu = [], [], [], []
    for _ in range(args.runs):
        def run_qualify():
            p = subprocess.run([args.binary, "abcxyz", data, "--customers", q_out, "--format", "csv"], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"qualify failed:\n{p.stdout}\n{p.stderr}")
            return p.stdout
        t, c, matrix = timed(run_qualify)
        q_times.append(t)
        q_cpu.append(c)
        t, c, _ = timed(lambda: pandas_abcxyz(data, p_out))
        p_times.append(t)
        p_cpu.append(c)
        print(f"  run: qualify {q_times[-1]:.2f} s (CPU {q_cpu[-1]:.2f} s), pandas {p_times[-1]:.2f} s (CPU {p_cpu[-1]:.2f} s)")

    q = pd.read_csv(q_out, dtype={"customer": str, "abc": str, "xyz": str})
    q = q[q["abc"].notna()].set_index("customer")
    p = pd.read_csv(p_out, dtype={"customer": str}).set_index("customer")
    same_set = set(q.index) == set(p.index)
    theirs = p[["abc", "xyz", "cv"]].rename(columns=lambda c: c + "_pandas")
    joined = q[["abc", "xyz", "cv"]].join(theirs, how="outer")
    mismatched = joined[(joined["abc"] != joined["abc_pandas"]) | (joined["xyz"] != joined["xyz_pandas"])]
    both = joined["cv"].notna() & joined["cv_pandas"].notna()
    cv_diff = float((joined.loc[both, "cv"] - joined.loc[both, "cv_pandas"]).abs().max()) if both.any() else 0.0
    print(matrix.strip())
    print(f"classified customers: qualify {len(q):,}, pandas {len(p):,}; same customers: {same_set}")
    print(f"customers whose class differs: {len(mismatched):,}; max |CV difference| {cv_diff:.2e} (CV written with 6 decimals)")
    if len(mismatched):
        print(mismatched.head(20))
    qt, pt, qc, pc = min(q_times), min(p_times), min(q_cpu), min(p_cpu)
    print(f"qualify abcxyz: {qt:.2f} s wall, {qc:.2f} s CPU ({rows / qt:,.0f} transactions/s)")
    print(f"pandas:         {pt:.2f} s wall, {pc:.2f} s CPU ({rows / pt:,.0f} transactions/s)")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"ratio (best wall times): qualify is {pt / qt:.1f}× faster than pandas (target ≥ 5×: {'met' if pt / qt >= 5 else 'NOT met'})")
    print(f"ratio (best CPU times):  {pc / qc:.1f}×")
    if len(mismatched) or not same_set:
        sys.exit(1)


if __name__ == "__main__":
    main()
