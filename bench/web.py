#!/usr/bin/env python3
"""The web app's pages at scale: server time of the queue page (and the card, the insights page) on a database of N
leads, against two peers measured in the same run:
  - the JSON API's `GET /leads?limit=50` (the same queue use case, no HTML): what the page adds on top;
  - the queue's first page read by Python's sqlite3 straight from the same file through the band index (the fastest the
    rows can come off the disk: the floor).

    swift build -c release --product qualify --scratch-path .build-release
    python3 bench/web.py --leads 1000000          # data cached under bench/out/ (a 1M-lead database takes ~6 min)

Each measure: --requests sequential requests after 3 warm-ups, on one keep-alive connection; the time from sending the
request to reading the whole body (loopback: the server's time). Medians and p95 are printed, and ratios.
"""
import argparse, http.client, os, re, shutil, socket, sqlite3, statistics, subprocess, sys, time, urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PASSWORD = "bench-password-1"


def run(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return time.perf_counter() - t, p.stdout


def build_database(q, args):
    data = os.path.join(args.out, f"web-demo-{args.leads}-{args.seed}")
    db = os.path.join(args.out, f"web-{args.leads}-{args.seed}.sqlite")
    if os.path.exists(db) and not args.rebuild:
        return db
    if not os.path.exists(os.path.join(data, "events.csv")):
        dt, _ = run([q, "demo", "--leads", str(args.leads), "--seed", str(args.seed), "--events-per-lead", str(args.events_per_lead), "--out", data])
        print(f"demo data generated in {dt:.0f} s", flush=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    dt, _ = run([q, "import", "leads", os.path.join(data, "leads.csv"), "--database", db])
    print(f"leads imported in {dt:.0f} s", flush=True)
    dt, _ = run([q, "import", "events", os.path.join(data, "events.csv"), "--database", db])
    print(f"events imported in {dt:.0f} s", flush=True)
    return db


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        elapsed = time.perf_counter() - t
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, value = v.split(";")[0].partition("=")
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        return r.status, data.decode("utf-8", "replace"), elapsed


def measure(client, path, n, headers=None):
    for _ in range(3):
        status, body, _ = client.request("GET", path, headers=headers)
        if status != 200:
            sys.exit(f"GET {path}: {status}\n{body[:500]}")
    times = []
    for _ in range(n):
        _, body, dt = client.request("GET", path, headers=headers)
        times.append(dt * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[min(len(times) - 1, int(0.95 * len(times)))], "body": body}


def sqlite_floor(db, n):
    """The queue's first page by the band index, read with Python's sqlite3: the first band's top 51 rows."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    sql = ("SELECT email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at FROM lead "
           "WHERE grade_rank = 0 AND stage NOT IN ('disqualified', 'customer') ORDER BY engagement_amp DESC, id LIMIT 51")
    for _ in range(3):
        con.execute(sql).fetchall()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        con.execute(sql).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    plan = " / ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
    times.sort()
    return {"median": statistics.median(times), "p95": times[min(len(times) - 1, int(0.95 * len(times)))], "plan": plan}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--events-per-lead", type=float, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/qualify"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    q = os.path.abspath(args.binary)
    if not os.path.exists(q):
        sys.exit(f"no binary at {q}: swift build -c release --product qualify --scratch-path .build-release")
    os.makedirs(args.out, exist_ok=True)
    db = build_database(q, args)
    # users and a key on the database (kept between runs)
    subprocess.run([q, "users", "add", "bench@example.com", "--role", "admin", "--password-stdin", "--database", db],
                   input=PASSWORD + "\n", capture_output=True, text=True)
    _, key = run([q, "keys", "create", "--role", "sales", "--name", "bench", "--database", db])
    key = key.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([q, "serve", "--port", str(port), "--database", db, "--no-webhooks"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        while "serving http" not in line:
            if server.poll() is not None:
                sys.exit("serve stopped: " + line)
            line = server.stdout.readline()
        c = Client(port)
        _, page, _ = c.request("GET", "/app/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        status, _, _ = c.request("POST", "/app/sign-in", urllib.parse.urlencode({"csrf": csrf, "email": "bench@example.com", "password": PASSWORD}))
        if status != 303:
            sys.exit(f"sign-in answered {status}")
        api = Client(port)
        auth = {"Authorization": f"Bearer {key}"}
        n = args.requests
        results = {}
        pages = [
            ("queue page 1 (all open leads)", "/app/queue?view=all&stage=open"),
            ("queue page 1 (default: SQL, then MQL)", "/app/queue?view=all"),
            ("queue, stage SQL", "/app/queue?view=all&stage=sql"),
            ("queue, grade C, cold", "/app/queue?view=all&stage=open&grade=C&temperature=cold"),
            ("queue, unassigned", "/app/queue?view=unassigned&stage=open"),
        ]
        for name, path in pages:
            results[name] = measure(c, path, n)
        # page 100 by following the next links
        path = "/app/queue?view=all&stage=open"
        for _ in range(99):
            _, body, _ = c.request("GET", path)
            m = re.search(r'<a rel="next" href="([^"]+)"', body)
            path = m.group(1).replace("&amp;", "&")
        results["queue page 100 (by key)"] = measure(c, path, n)
        results["queue, search 'smith'"] = measure(c, "/app/queue?view=all&q=smith", max(5, n // 3))
        top = re.search(r'href="(/app/leads/[^"]+)"', results["queue page 1 (all open leads)"]["body"]).group(1)
        results["lead card (top lead)"] = measure(c, top, n)
        results["insights"] = measure(c, "/app/insights", max(5, n // 3))
        results["API GET /leads?limit=50"] = measure(api, "/leads?limit=50&stage=open", n, headers=auth)
        floor = sqlite_floor(db, n)
    finally:
        server.terminate()
        server.wait(timeout=60)
    load = os.getloadavg()[0]
    print(f"\n{args.leads:,} leads · {n} requests each · load average {load:.2f}")
    print(f"{'measure':<34} {'median ms':>10} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:<34} {r['median']:>10.2f} {r['p95']:>8.2f}")
    print(f"{'peer: sqlite3, first band, 51 rows':<34} {floor['median']:>10.2f} {floor['p95']:>8.2f}   ({floor['plan']})")
    q1 = results["queue page 1 (all open leads)"]["median"]
    print(f"\nqueue page / API GET /leads: {q1 / results['API GET /leads?limit=50']['median']:.2f}×;"
          f" queue page / sqlite3 floor: {q1 / floor['median']:.1f}×;"
          f" page 100 / page 1: {results['queue page 100 (by key)']['median'] / q1:.2f}×; target: queue page < 100 ms")


if __name__ == "__main__":
    main()
