#!/usr/bin/env python3
"""Qualify core benchmarks, each measured against a peer in the same run.

  ingest   events scored and persisted by `qualify import events` vs the same rows inserted into a bare SQLite table
           with the same indexes (Python's sqlite3, same batch size, same pragmas)
  rescore  `qualify rescore --model bench_model.yaml` (replay of every event, projections rewritten) vs DuckDB computing
           the same decayed per-lead sums over the same events; the two results are compared lead by lead

Usage: python3 bench/run.py [--leads 100000] [--events-per-lead 10] [--binary .build/release/qualify]
Needs: a release build (swift build -c release --product qualify) and `pip install duckdb`.
"""
import argparse, csv, json, math, os, shutil, sqlite3, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EPOCH_MS = 1_704_067_200_000  # Decay.epoch, 2024-01-01T00:00:00Z


def run(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return dt, p.stdout + p.stderr


def parse_ts(s):
    # 2026-09-05T05:19:42.879Z -> epoch ms (UTC)
    from datetime import datetime, timezone
    return int(datetime.strptime(s.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z" if "." in s else "%Y-%m-%dT%H:%M:%S%z").timestamp() * 1000)


def bare_sqlite_ingest(db_path, leads_csv, events_csv, batch):
    """The peer: the same event rows into a bare table with the same indexes as Qualify's `event` table."""
    emails = {}
    with open(leads_csv, newline="") as f:
        for i, row in enumerate(csv.DictReader(f), start=1):
            emails[row["Email"].strip().lower()] = i
    rows = []
    now = int(time.time() * 1000)
    with open(events_csv, newline="") as f:
        for r in csv.DictReader(f):
            props = {k: r[k] for k in ("url", "asset", "campaign") if r.get(k)}
            rows.append((r["id"], emails[r["email"]], r["type"], parse_ts(r["at"]), json.dumps(props, separators=(",", ":"), sort_keys=True), now))
    if os.path.exists(db_path):
        os.remove(db_path)
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")  # as Qualify's connections (since session 9)
    con.executescript("""
        CREATE TABLE event (
          seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, lead_id INTEGER NOT NULL, type TEXT NOT NULL,
          at INTEGER NOT NULL, properties TEXT NOT NULL, received_at INTEGER NOT NULL);
        CREATE INDEX event_lead ON event(lead_id, at, id);
    """)
    t = time.perf_counter()
    for i in range(0, len(rows), batch):
        con.execute("BEGIN")
        con.executemany("INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING", rows[i:i + batch])
        con.execute("COMMIT")
    dt = time.perf_counter() - t
    con.close()
    return len(rows), dt


def duckdb_rescore(events_csv, model_points, pricing_points, half_life_days):
    import duckdb
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(f"""CREATE TABLE ev AS SELECT email, type, url, epoch_ms(CAST("at" AS TIMESTAMPTZ)) AS ts
                    FROM read_csv('{events_csv}', header=true, all_varchar=true)""")
    load = time.perf_counter() - t
    h = half_life_days * 86_400_000
    cases = " ".join(f"WHEN '{k}' THEN {v}" for k, v in model_points.items())
    sql = f"""
        SELECT email, SUM(((CASE type {cases} ELSE 0 END)
                        + (CASE WHEN type = 'page_view' AND contains(coalesce(url, ''), '/pricing') THEN {pricing_points} ELSE 0 END))
                       * pow(2, (ts - {EPOCH_MS}) / {h})) AS amp
        FROM ev GROUP BY email
    """
    times = []
    for _ in range(3):
        t = time.perf_counter()
        result = con.execute(sql).fetchall()
        times.append(time.perf_counter() - t)
    return load, statistics.median(times), dict(result)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--events-per-lead", type=float, default=10)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/qualify"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    q = os.path.abspath(args.binary)
    if not os.path.exists(q):
        sys.exit(f"no binary at {q}: swift build -c release --product qualify (or pass --binary)")
    data = os.path.join(args.out, f"demo-{args.leads}-{args.seed}")
    leads_csv, events_csv = os.path.join(data, "leads.csv"), os.path.join(data, "events.csv")
    if not os.path.exists(events_csv):
        dt, out = run([q, "demo", "--leads", str(args.leads), "--seed", str(args.seed), "--events-per-lead", str(args.events_per_lead), "--out", data])
        print(f"generated in {dt:.1f} s: {out.strip()}")
    n_events = sum(1 for _ in open(events_csv)) - 1
    print(f"data: {args.leads} leads, {n_events} events ({os.path.getsize(events_csv) / 1e6:.0f} MB CSV)")

    db = os.path.join(args.out, "bench.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    t_leads, _ = run([q, "import", "leads", leads_csv, "--database", db])
    t_events, out = run([q, "import", "events", events_csv, "--database", db])
    ours = n_events / t_events
    print(f"\nINGEST")
    print(f"  qualify import leads: {args.leads / t_leads:,.0f} leads/s ({t_leads:.1f} s)")
    print(f"  qualify import events (CSV parsed, scored, persisted, 5,000 per transaction): {ours:,.0f} events/s ({t_events:.1f} s)")
    peer_db = os.path.join(args.out, "bare.sqlite")
    rows, t_peer = bare_sqlite_ingest(peer_db, leads_csv, events_csv, 5000)
    peer = rows / t_peer
    print(f"  bare SQLite insert, same rows and indexes (python sqlite3, rows pre-parsed): {peer:,.0f} rows/s ({t_peer:.1f} s)")
    print(f"  ratio qualify / bare = {ours / peer:.2f}  (target >= 0.5)")

    t_rescore, out = run([q, "rescore", "--model", os.path.join(HERE, "bench_model.yaml"), "--database", db])
    print(f"\nRESCORE (replay of {n_events} events under a changed model, projections rewritten)")
    print(f"  qualify rescore: {t_rescore:.2f} s")
    points = {"page_view": 1, "email_open": 1, "email_click": 2, "content_download": 12, "webinar_register": 8,
              "webinar_attend": 15, "form_submit": 8, "sample_request": 12, "trial_start": 35, "consultation_request": 35,
              "demo_request": 45, "contact_sales": 45, "cart_add": 10, "unsubscribe": -25, "email_bounce": -15}
    load, compute, duck = duckdb_rescore(events_csv, points, 8, 14)
    print(f"  duckdb: load CSV {load:.2f} s, decayed per-lead sums {compute:.2f} s (median of 3); load+sums {load + compute:.2f} s")
    print(f"  ratio qualify / duckdb sums = {t_rescore / compute:.2f} (target <= 1.0); vs duckdb load+sums = {t_rescore / (load + compute):.2f}")
    con = sqlite3.connect(db)
    worst, checked = 0.0, 0
    for email, amp in con.execute("SELECT email, engagement_amp FROM lead"):
        other = duck.get(email, 0.0)
        scale = max(1.0, abs(other), abs(amp))
        worst = max(worst, abs(amp - other) / scale)
        checked += 1
    print(f"  results compared for {checked} leads: largest relative difference {worst:.2e}")
    if worst > 1e-9:
        sys.exit("qualify and duckdb disagree")


if __name__ == "__main__":
    main()
