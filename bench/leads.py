#!/usr/bin/env python3
"""Lead import against a bare insert of the same rows (issue 20: lead import ≥ 0.6× a bare SQLite insert).

  qualify  `qualify import leads leads.csv` into a fresh SQLite file: CSV parsed, headers mapped, addresses checked,
           each row merged, scored for fit and stage and persisted with its fields update, merge record and projection
  peer     Python's sqlite3 inserting, for every lead of the same file, what Qualify stores for it — the lead row (its
           fields as the state), the fields-update event and the merge record — into a database Qualify created (the
           same tables, indexes and pragmas: WAL, synchronous NORMAL, a 64 MiB page cache), 1,000 leads per transaction. The CSV is parsed
           before the clock starts: the peer is the floor of the writes alone.

Runs alternate (qualify, peer, qualify, …) and the medians are compared; the load average is printed with them.

Usage: python3 bench/leads.py [--leads 100000] [--runs 3] [--binary .build/release/qualify]
Needs: a release build (swift build -c release --product qualify).
"""
import argparse, csv, json, os, sqlite3, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return dt, p.stdout + p.stderr


def peer(q, leads_csv, db_path, batch=1000):
    """Inserts what Qualify stores per lead into a fresh Qualify database; returns the seconds the writes took."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    run([q, "stats", "--database", db_path])  # creates the database with Qualify's schema
    now = int(time.time() * 1000)
    rows = []
    with open(leads_csv, newline="") as f:
        for r in csv.DictReader(f):
            email = r.pop("Email").strip().lower()
            fields = {k.lower().replace(" ", "_"): v for k, v in r.items() if v}
            rows.append((email, json.dumps(fields, separators=(",", ":"), sort_keys=True)))
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")  # as Qualify's connections
    t = time.perf_counter()
    for i in range(0, len(rows), batch):
        con.execute("BEGIN")
        for email, fields in rows[i:i + batch]:
            lead_id = con.execute(
                "INSERT INTO lead(email, created_at, updated_at, model_version, fit_points, grade, grade_rank, stage, engagement_amp, state) "
                "VALUES (?, ?, ?, 1, 10, 'C', 2, 'new', 0, ?) RETURNING id", (email, now, now, fields.encode())).fetchone()[0]
            con.execute("INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, '$fields', ?, ?, ?)",
                        (f"$fields:{email}:{now}:0", lead_id, now, fields, now))
            con.execute("INSERT INTO lead_merge(lead_id, at, origin, changes) VALUES (?, ?, ?, ?)", (lead_id, now, "leads.csv line", fields))
        con.execute("COMMIT")
    dt = time.perf_counter() - t
    con.close()
    return dt, len(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/qualify"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    q = args.binary
    os.makedirs(args.out, exist_ok=True)
    data = os.path.join(args.out, f"demo-{args.leads}-{args.seed}")
    leads_csv = os.path.join(data, "leads.csv")
    if not os.path.exists(leads_csv):
        run([q, "demo", "--leads", str(args.leads), "--seed", str(args.seed), "--out", data])
    qualify_times, peer_times = [], []
    for i in range(args.runs):
        db = os.path.join(args.out, "leads-bench.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        dt, out = run([q, "import", "leads", leads_csv, "--database", db])
        qualify_times.append(dt)
        pt, n = peer(q, leads_csv, os.path.join(args.out, "leads-peer.sqlite"))
        peer_times.append(pt)
        print(f"run {i + 1}: qualify {dt:.2f} s ({n / dt:,.0f} leads/s), peer {pt:.2f} s ({n / pt:,.0f} leads/s)", flush=True)
    qm, pm = statistics.median(qualify_times), statistics.median(peer_times)
    print(f"\n{n:,} leads, load average {os.getloadavg()[0]:.2f}")
    print(f"qualify import leads: median {qm:.2f} s ({n / qm:,.0f} leads/s)")
    print(f"peer (bare inserts of the same rows): median {pm:.2f} s ({n / pm:,.0f} leads/s)")
    print(f"ratio (peer time / qualify time): {pm / qm:.2f}×  (target ≥ 0.6×)")


if __name__ == "__main__":
    main()
