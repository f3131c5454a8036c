#!/usr/bin/env python3
"""HTTP API benchmarks (issue 3), each measured in the same run:

  single   POST /events (one event, a new id each time, API key checked, scored, committed before the answer) under
           wrk, against a bare Hummingbird 2 route (bench/hb-baseline) that reads the body and returns a fixed one.
           Targets: throughput >= 0.5x the bare route, p99 < 5 ms. For reference, a third peer in the same rounds:
           the same route decoding the event and inserting it into SQLite (WAL, synchronous=NORMAL) before answering.
  batch    POST /events/batch with 10,000 events per request (bodies prepared before timing), events/s into SQLite.
           Target: >= 200,000 events/s.

Usage: python3 bench/api.py [--leads 1000] [--duration 10] [--connections 16] [--rounds 3]
Needs: wrk (apt-get install wrk), the release builds:
  swift build -c release --product qualify --scratch-path .build-release
  swift build -c release --package-path bench/hb-baseline
"""
import argparse, http.client, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def wait_port(port, proc, what):
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"{what} exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on {port}")


WINDOW = [0]


def wrk(port, seconds, connections, threads, env):
    # each run's events start in a later 10-minute window (3 hours ago onwards), so every lead sees its events in order
    WINDOW[0] += 1
    env = {**env, "BENCH_START": str(int(time.time()) - 3 * 3600 + WINDOW[0] * 600)}
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", os.path.join(HERE, "api_event.lua"), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, env={**os.environ, **env}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def ms(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket_errors.group(1) if socket_errors else "", "raw": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/qualify"))
    ap.add_argument("--baseline", default=os.path.join(HERE, "hb-baseline/.build/release/hb-baseline"))
    ap.add_argument("--leads", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", type=int, default=30, help="10,000-event batches for the batch benchmark")
    ap.add_argument("--batch-connections", type=int, default=1,
                    help="connections for the batch benchmark, each with its own share of the leads")
    ap.add_argument("--skip-single", action="store_true", help="only the batch benchmark")
    args = ap.parse_args()
    for path, how in [(args.binary, "swift build -c release --product qualify --scratch-path .build-release"),
                      (args.baseline, "swift build -c release --package-path bench/hb-baseline")]:
        if not os.path.exists(path):
            sys.exit(f"no binary at {path}: {how}")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    work = tempfile.mkdtemp(prefix="qualify-api-bench-")
    db = os.path.join(work, "bench.sqlite")
    leads_csv = os.path.join(work, "leads.csv")
    now = int(time.time())
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 4 * 3600))
    with open(leads_csv, "w") as f:
        f.write("Email,Job Title,Company,Created Date\n")
        for i in range(args.leads):
            f.write(f"lead{i}@bench{i}.io,CTO,Bench {i},{created}\n")
    run([args.binary, "import", "leads", leads_csv, "--database", db])
    key = run([args.binary, "keys", "create", "--role", "ingest", "--name", "bench", "--database", db]).strip()

    qport, bport, sport = free_port(), free_port(), free_port()
    server = subprocess.Popen([args.binary, "serve", "--port", str(qport), "--database", db],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "LOG_LEVEL": "warning"})
    baseline = subprocess.Popen([args.baseline, str(bport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the second peer: the same route decoding the event and inserting it into SQLite before it answers
    writing = subprocess.Popen([args.baseline, str(sport), "--sqlite", os.path.join(work, "peer.sqlite")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(qport, server, "qualify serve")
        wait_port(bport, baseline, "hb-baseline")
        wait_port(sport, writing, "hb-baseline --sqlite")
        env = {"BENCH_KEY": key, "BENCH_LEADS": str(args.leads), "BENCH_THREADS": str(args.threads)}
        if not args.skip_single:
            print(f"single-event POST /events: wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds, "
                  f"{args.leads} leads, alternating peers")
            for port in (bport, sport, qport):
                wrk(port, 2, args.connections, args.threads, env)  # warm-up
            ours, bare, sqlite = [], [], []
            for r in range(args.rounds):
                b = wrk(bport, args.duration, args.connections, args.threads, env)
                w = wrk(sport, args.duration, args.connections, args.threads, env)
                q = wrk(qport, args.duration, args.connections, args.threads, env)
                bare.append(b)
                sqlite.append(w)
                ours.append(q)
                print(f"  round {r + 1}: bare {b['rps']:,.0f} req/s (p99 {b['p99']:.2f} ms) · bare + SQLite insert {w['rps']:,.0f} req/s "
                      f"(p99 {w['p99']:.2f} ms) · qualify {q['rps']:,.0f} req/s "
                      f"(p50 {q['p50']:.2f} ms, p99 {q['p99']:.2f} ms, non-2xx {q['non2xx']}{', socket ' + q['socket'] if q['socket'] else ''})")
            q_rps = statistics.median(x["rps"] for x in ours)
            b_rps = statistics.median(x["rps"] for x in bare)
            w_rps = statistics.median(x["rps"] for x in sqlite)
            q_p99 = statistics.median(x["p99"] for x in ours)
            w_p99 = statistics.median(x["p99"] for x in sqlite)
            print(f"  median: qualify {q_rps:,.0f} req/s vs bare Hummingbird {b_rps:,.0f} req/s → ratio {q_rps / b_rps:.2f} (target >= 0.5); "
                  f"qualify p99 {q_p99:.2f} ms (target < 5 ms)")
            print(f"  for reference: vs the route that also inserts into SQLite {w_rps:,.0f} req/s (p99 {w_p99:.2f} ms) → ratio {q_rps / w_rps:.2f}")

        # batch ingest: bodies prepared before the clock starts; events in time order (a millisecond apart, ending
        # before now), as a CRM or ESP export streams them
        # With --batch-connections N, the leads are split between N connections (lead i on connection i mod N), each
        # sending its own leads' events in time order, as a sharded exporter would; one connection by default.
        from datetime import datetime, timedelta, timezone
        start = datetime.now(timezone.utc) - timedelta(milliseconds=args.batches * 10_000 + 60_000)
        streams = [[] for _ in range(args.batch_connections)]
        for n in range(args.batches * 10_000):
            at = (start + timedelta(milliseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            lead = n % args.leads
            streams[lead % args.batch_connections].append({"id": f"b{n:09d}", "email": f"lead{lead}@bench{lead}.io",
                                                           "type": "page_view", "at": at, "properties": {"url": "/pricing"}})
        bodies = [[json.dumps({"events": stream[i:i + 10_000]}, separators=(",", ":")) for i in range(0, len(stream), 10_000)]
                  for stream in streams]
        results = []
        lock = threading.Lock()

        def post(slice_):
            con = http.client.HTTPConnection("127.0.0.1", qport, timeout=120)
            for body in slice_:
                con.request("POST", "/events/batch", body, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
                resp = con.getresponse()
                data = json.loads(resp.read())
                with lock:
                    results.append((resp.status, data.get("applied", 0)))
            con.close()

        t = time.perf_counter()
        threads = [threading.Thread(target=post, args=(mine,)) for mine in bodies]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        dt = time.perf_counter() - t
        applied = sum(a for s, a in results if s == 200)
        bad = [s for s, _ in results if s != 200]
        print(f"\nbatch POST /events/batch: {args.batches} batches of 10,000 events, {args.batch_connections} connection(s)")
        print(f"  {applied:,} applied in {dt:.2f} s → {applied / dt:,.0f} events/s (target >= 200,000); non-200 answers: {len(bad)}")
    finally:
        for p in (server, baseline, writing):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
