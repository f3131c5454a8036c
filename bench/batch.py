#!/usr/bin/env python3
"""Batch ingest over a large database (issue 20): `POST /events/batch` against the CLI's own import of the same events.

The events are what a CRM or ESP export looks like: each goes to a lead drawn at random from all the database's
leads (not a few hot ones), in time order. Both sides start from a copy of the same database and ingest the same
events with the same ids:
  - cli    `qualify import events events.csv` (the peer: the store's own file import), the whole command;
  - api    `qualify serve` on the copy, the events posted as `POST /events/batch` bodies of --batch events on one
           keep-alive connection (bodies built before the clock starts), timed from the first request to the server's
           exit after the last answer (its last checkpoint, like the CLI's, puts everything in the database file).
Rounds alternate the two; medians and the ratio api / cli are printed with the load average. Target: >= 0.8x.

    swift build -c release --product qualify --scratch-path .build-release
    python3 bench/batch.py --leads 1000000 --events 200000     # the base database is cached under bench/out/
    python3 bench/batch.py --leads 10000 --events 200000       # the same events' shape on a small database
"""
import argparse, http.client, json, os, random, shutil, socket, statistics, subprocess, sys, time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return time.perf_counter() - t, p.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_db(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    shutil.copyfile(src, dst)
    os.sync()  # the copy's dirty pages written back now, not during the timed ingest


def base_database(q, args, created):
    db = os.path.join(args.out, f"batch-base-{args.leads}.sqlite")
    if os.path.exists(db) and not args.rebuild:
        return db
    leads_csv = os.path.join(args.out, f"batch-leads-{args.leads}.csv")
    titles = ["CTO", "VP Sales", "Marketing Manager", "Engineer", "Head of Operations", "Founder", "Analyst"]
    with open(leads_csv, "w") as f:
        f.write("Email,Job Title,Company,Created Date\n")
        for i in range(args.leads):
            f.write(f"lead{i}@company{i // 3}.io,{titles[i % len(titles)]},Company {i // 3},{created}\n")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    dt, _ = run([q, "import", "leads", leads_csv, "--database", db])
    print(f"base database: {args.leads:,} leads imported in {dt:.0f} s", flush=True)
    # fold the WAL into the file so that a plain copy of it is the whole database
    import sqlite3
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db


def make_events(args, start):
    rng = random.Random(args.seed)
    kinds = [("page_view", "/pricing"), ("page_view", "/blog/lead-scoring"), ("page_view", "/docs"), ("email_open", ""),
             ("email_click", "/webinar"), ("form_submit", "/whitepaper")]
    events = []
    for n in range(args.events):
        lead = rng.randrange(args.leads)
        kind, url = kinds[rng.randrange(len(kinds))]
        at = (start + timedelta(milliseconds=n * 10)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        events.append((f"x{n:09d}", f"lead{lead}@company{lead // 3}.io", kind, at, url))
    csv_path = os.path.join(args.out, f"batch-events-{args.leads}-{args.events}.csv")
    with open(csv_path, "w") as f:
        f.write("id,email,type,at,url\n")
        for e in events:
            f.write(",".join(e) + "\n")
    bodies = []
    for i in range(0, len(events), args.batch):
        items = [{"id": i_, "email": em, "type": t, "at": at, **({"properties": {"url": u}} if u else {})}
                 for i_, em, t, at, u in events[i:i + args.batch]]
        bodies.append(json.dumps({"events": items}, separators=(",", ":")).encode())
    return csv_path, bodies


def cli_round(q, base, work, csv_path):
    db = os.path.join(work, "cli.sqlite")
    copy_db(base, db)
    dt, _ = run([q, "import", "events", csv_path, "--database", db])
    return dt


def api_round(q, base, work, bodies, key):
    db = os.path.join(work, "api.sqlite")
    copy_db(base, db)
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([q, "serve", "--port", str(port), "--database", db], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "LOG_LEVEL": "warning"})
    try:
        for _ in range(600):
            if server.poll() is not None:
                sys.exit(f"qualify serve exited: see {log.name}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/health/ready")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        applied = 0
        t = time.perf_counter()
        for body in bodies:
            con.request("POST", "/events/batch", body, headers)
            r = con.getresponse()
            data = r.read()
            if r.status != 200:
                sys.exit(f"POST /events/batch answered {r.status}: {data[:500]!r}")
            applied += json.loads(data)["applied"]
        # until the server has stopped: its last checkpoint folds the log into the file, as the CLI's import does
        # before it exits, so both sides are timed to everything in the database file
        con.close()
        server.terminate()
        server.wait(timeout=120)
        dt = time.perf_counter() - t
        return dt, applied
    finally:
        if server.poll() is None:
            server.kill()
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=10_000, help="events per request")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/qualify"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached base database")
    ap.add_argument("--only", choices=["cli", "api"], help="run one side only (for profiling)")
    args = ap.parse_args()
    q = os.path.abspath(args.binary)
    if not os.path.exists(q):
        sys.exit(f"no binary at {q}: swift build -c release --product qualify --scratch-path .build-release")
    os.makedirs(args.out, exist_ok=True)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    created = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = base_database(q, args, created)
    # a key for the server, made on a copy so the cached base stays as imported
    work = os.path.join(args.out, f"batch-work-{args.leads}")
    os.makedirs(work, exist_ok=True)
    keyed = os.path.join(work, "base-keyed.sqlite")
    copy_db(base, keyed)
    _, key = run([q, "keys", "create", "--role", "ingest", "--name", "bench", "--database", keyed])
    key = key.strip().splitlines()[-1].strip()
    start = now - timedelta(milliseconds=args.events * 10 + 3_600_000)
    csv_path, bodies = make_events(args, start)
    print(f"{args.events:,} events over {args.leads:,} leads (each to a random lead, in time order), "
          f"{len(bodies)} bodies of {args.batch:,}; load average {os.getloadavg()[0]:.2f}", flush=True)
    cli, api = [], []
    for r in range(args.rounds):
        order = ["cli", "api"] if r % 2 == 0 else ["api", "cli"]
        for side in order:
            if args.only and side != args.only:
                continue
            if side == "cli":
                dt = cli_round(q, keyed, work, csv_path)
                cli.append(args.events / dt)
                print(f"  round {r + 1}: cli  {args.events / dt:>9,.0f} events/s ({dt:.2f} s)", flush=True)
            else:
                dt, applied = api_round(q, keyed, work, bodies, key)
                if applied != args.events:
                    sys.exit(f"the server applied {applied:,} of {args.events:,} events")
                api.append(args.events / dt)
                print(f"  round {r + 1}: api  {args.events / dt:>9,.0f} events/s ({dt:.2f} s)", flush=True)
    if cli and api:
        c, a = statistics.median(cli), statistics.median(api)
        print(f"median: POST /events/batch {a:,.0f} events/s vs the CLI's import {c:,.0f} events/s → {a / c:.2f}× "
              f"(target >= 0.8×); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
