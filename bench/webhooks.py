#!/usr/bin/env python3
"""Webhook delivery benchmark (issue 13), each figure measured in the same run:

  latency     time from a stage change's commit to its receipt by a local receiver, p50 and p99, while events are
              ingested through POST /events/batch (the demo's events, in time order, in batches) with delivery on.
              The commit time is the message's outbox time (the envelope's `timestamp`, written in the ingest
              transaction, so the figure slightly overstates the wait). Goal: p99 < 1 s.
  throughput  deliveries per second with one receiver: the same data ingested with `serve --no-webhooks`, then a
              server with delivery on drains the outbox; deliveries over the time from the first to the last receipt.
  cost        ingest events/s with delivery on vs off (two fresh databases, same events). Goal: delivery costs < 10 %.

Usage: python3 bench/webhooks.py [--leads 5000] [--batch 500] [--rounds 3]
Needs the release build: swift build -c release --product qualify --scratch-path .build-release
"""
import argparse, http.client, json, os, socket, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from api import free_port, run  # noqa: E402  (bench/api.py's helpers)


class Receiver:
    """A receiver in a process of its own (so its work does not slow this process's load generator through the GIL):
    records (webhook-id, receipt time, envelope timestamp) for every request in a file; answers 204."""

    def __init__(self, work):
        import multiprocessing
        self.path = tempfile.mktemp(prefix="receipts-", dir=work)
        ready = multiprocessing.Queue()
        self.proc = multiprocessing.Process(target=Receiver.run, args=(self.path, ready), daemon=True)
        self.proc.start()
        self.port = ready.get(timeout=30)

    @staticmethod
    def run(path, ready):
        out = open(path, "a", buffering=1)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                now = time.time()
                stamp = json.loads(body).get("timestamp")
                with lock:
                    out.write(f"{self.headers.get('webhook-id')}\t{now}\t{stamp}\n")
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ready.put(server.server_address[1])
        server.serve_forever()

    @property
    def got(self):
        try:
            lines = open(self.path).read().splitlines()
        except FileNotFoundError:
            return []
        return [(a, float(b), c) for a, b, c in (line.split("\t") for line in lines if line.count("\t") == 2)]

    def stop(self):
        self.proc.terminate()
        self.proc.join()


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def serve(binary, db, port, extra):
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--database", db] + extra,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"serve exited: {proc.stdout.read()}")
            time.sleep(0.05)
    sys.exit("serve did not listen")


def prepare(binary, work, name, leads_csv, receiver_port):
    db = os.path.join(work, name + ".sqlite")
    run([binary, "import", "leads", leads_csv, "--database", db])
    key = run([binary, "keys", "create", "--role", "admin", "--name", "bench", "--database", db]).strip()
    if receiver_port:
        run([binary, "webhooks", "add", f"http://127.0.0.1:{receiver_port}/hook", "--events",
             "lead.stage_changed,lead.became_sql", "--allow-private", "--database", db])
    return db, key


def ingest(port, key, bodies):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    started = time.time()
    events = 0
    for body, n in bodies:
        conn.request("POST", "/events/batch", body, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"batch answered {r.status}")
        events += n
    return events / (time.time() - started)


def batches(events_csv, size):
    import csv
    rows = list(csv.DictReader(open(events_csv)))
    rows.sort(key=lambda r: r["at"])
    out = []
    for i in range(0, len(rows), size):
        chunk = []
        for r in rows[i:i + size]:
            props = {k: v for k, v in r.items() if k not in ("id", "email", "type", "at") and v}
            chunk.append({"id": r["id"], "email": r["email"], "type": r["type"], "at": r["at"], "properties": props})
        out.append((json.dumps({"events": chunk}), len(chunk)))
    return out


def wait_drained(receiver, expected, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(receiver.got) >= expected:
            return True
        time.sleep(0.05)
    return False


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/qualify"))
    ap.add_argument("--leads", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qualify-bench-webhooks-")
    run([args.binary, "demo", "--leads", str(args.leads), "--seed", "5", "--out", os.path.join(work, "demo")])
    leads_csv, events_csv = os.path.join(work, "demo/leads.csv"), os.path.join(work, "demo/events.csv")
    bodies = batches(events_csv, args.batch)
    print(f"{args.leads} leads, {sum(n for _, n in bodies)} events in batches of {args.batch}")
    results = {"on": [], "off": [], "p50": [], "p99": [], "rate": [], "cpu_on": [], "cpu_off": []}
    events_total = sum(n for _, n in bodies)
    for r in range(args.rounds):
        receiver = Receiver(work)
        # delivery on, while ingesting
        db, key = prepare(args.binary, work, f"on{r}", leads_csv, receiver.port)
        port = free_port()
        proc = serve(args.binary, db, port, ["--allow-private-webhooks"])
        cpu0 = cpu_seconds(proc.pid)
        rate_on = ingest(port, key, bodies)
        wait_drained(receiver, 10**9, timeout=3)  # a moment for the last deliveries
        cpu_on = cpu_seconds(proc.pid) - cpu0      # ingest and every delivery it made
        proc.terminate(); proc.wait()
        # whatever was still due is delivered by a last pass: count what the store made
        listing = run([args.binary, "webhooks", "list", "--database", db])
        counts = listing.rsplit("deliveries: ", 1)[1].strip().split(", ")
        made = sum(int(c.split()[0]) for c in counts)
        latencies = [(t - parse_time(stamp)) for (_, t, stamp) in receiver.got]
        # delivery off, same events; the subscription exists (so the deliveries are made), nobody sends them yet
        receiver.stop()
        drain = Receiver(work)
        db_off, key_off = prepare(args.binary, work, f"off{r}", leads_csv, drain.port)
        port = free_port()
        proc = serve(args.binary, db_off, port, ["--no-webhooks"])
        cpu0 = cpu_seconds(proc.pid)
        rate_off = ingest(port, key_off, bodies)
        cpu_off = cpu_seconds(proc.pid) - cpu0
        proc.terminate(); proc.wait()
        # drain rate: a server with delivery on sends the whole backlog to a fresh receiver
        port = free_port()
        proc = serve(args.binary, db_off, port, ["--allow-private-webhooks"])
        wait_drained(drain, made)
        proc.terminate(); proc.wait()
        drain.stop()
        times = sorted(t for (_, t, _) in drain.got)
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0
        results["on"].append(rate_on); results["off"].append(rate_off)
        if latencies:
            results["p50"].append(pct(latencies, 50)); results["p99"].append(pct(latencies, 99))
        results["rate"].append(rate)
        results["cpu_on"].append(cpu_on); results["cpu_off"].append(cpu_off)
        print(f"round {r + 1}: server CPU {cpu_on:.2f} s on vs {cpu_off:.2f} s off ({cpu_on / cpu_off:.2f}x); "
              f"ingest on {rate_on:,.0f} ev/s, off {rate_off:,.0f} ev/s ({rate_on / rate_off:.2f}x); "
              f"{len(receiver.got)} of {made} delivered while ingesting, commit→receipt p50 {pct(latencies, 50) * 1000:.0f} ms "
              f"p99 {pct(latencies, 99) * 1000:.0f} ms; drain {len(drain.got)} at {rate:,.0f} deliveries/s" if latencies else
              f"round {r + 1}: nothing received")
    med = statistics.median
    print(f"MEDIANS ({args.rounds} rounds): ingest with delivery on {med(results['on']):,.0f} ev/s vs off {med(results['off']):,.0f} "
          f"({med(results['on']) / med(results['off']):.2f}x; goal >= 0.90x); commit→receipt p50 {med(results['p50']) * 1000:.0f} ms, "
          f"p99 {med(results['p99']) * 1000:.0f} ms (goal < 1000 ms); {med(results['rate']):,.0f} deliveries/s to one receiver; "
          f"server CPU with delivery on {med(results['cpu_on']) / events_total * 1e6:.1f} µs per event vs off "
          f"{med(results['cpu_off']) / events_total * 1e6:.1f} ({med(results['cpu_on']) / med(results['cpu_off']):.2f}x)")


if __name__ == "__main__":
    main()
