#!/usr/bin/env python3
"""Qualify's fault-injection reliability suite.

Starts real `qualify serve` processes (and throwaway PostgreSQL servers), injects faults — the database stopped hard,
a full disk, a CLI import beside the server, a YAML alias bomb, thousands of idle sockets, out-of-order events,
spreadsheet formulas, kill -9 — and checks what the server answers, that it stays alive, and that every event it
acknowledged is stored exactly once. Python 3 standard library only. See reliability/README.md.

    python3 reliability/suite.py [--bin .build/debug/qualify] [--only NAME]... [--list] [--keep]

Prints one line per scenario (PASS, FAIL or SKIP with figures), details and the server's last log lines under a
FAIL, and exits 1 when any scenario failed. Every process, mount and temp dir it makes is removed on exit (also on
SIGTERM/SIGINT).
"""
import argparse
import collections
import csv
import datetime
import glob
import http.client
import io
import json
import os
import random
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

# ---------------------------------------------------------------------------------------------------------------------
# configuration

BIN = os.environ.get("QUALIFY_BIN", ".build/debug/qualify")
# Query of every PostgreSQL URL: connect_timeout bounds how long an operation waits for a connection before a 503.
PG_QUERY = os.environ.get("QUALIFY_RELIABILITY_PG_QUERY", "sslmode=disable&connect_timeout=2")
OUTAGES = int(os.environ.get("QUALIFY_RELIABILITY_OUTAGES", "3"))  # pg_outage's stop/start cycles
SEED = int(os.environ.get("QUALIFY_RELIABILITY_SEED", str(int(time.time()) % 100000)))
ROOT = None            # the suite's temp dir, made in main()
KEEP = False           # --keep: leave the temp dir (logs, databases) for a look
IS_ROOT = os.geteuid() == 0
IN_CI = os.environ.get("CI", "").lower() == "true"

# Text that must never reach a client: SQL, driver and database-library names (the log may carry them, answers not).
INTERNALS = ("SELECT", "INSERT", "UPDATE", "DELETE FROM", "PSQLError", "PSQL", "SQLITE_", "GRDB", "DatabaseError",
             "PostgresNIO", "Fatal error")
INTERNALS_ANY_CASE = ("psql", "sqlite3_")


def internals_in(text):
    found = [w for w in INTERNALS if w in text]
    found += [w for w in INTERNALS_ANY_CASE if w in text.lower()]
    return found


# ---------------------------------------------------------------------------------------------------------------------
# cleanup: everything started is registered here and undone in reverse order

_cleanups = []
_cleanup_lock = threading.Lock()


def on_cleanup(label, fn):
    with _cleanup_lock:
        _cleanups.append((label, fn))


def unwind(depth=0):
    while True:
        with _cleanup_lock:
            if len(_cleanups) <= depth:
                return
            label, fn = _cleanups.pop()
        try:
            fn()
        except Exception as error:  # cleanup must go on
            print(f"  (cleanup of {label} failed: {error})", file=sys.stderr)


class Failure(Exception):
    """A scenario cannot go on: its message is the failure."""


class Skip(Exception):
    """The scenario cannot run here (its message says why)."""


# ---------------------------------------------------------------------------------------------------------------------
# small helpers

def now_iso(seconds_ago=0.0):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, timeout=120, check=False, **kw):
    """Runs a command; returns CompletedProcess with text output (stdout, stderr)."""
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise Failure(f"{' '.join(map(str, cmd))} exited {r.returncode}: {(r.stderr or r.stdout).strip()[-800:]}")
    return r


def qualify(*args, timeout=120, check=True):
    return run([BIN, *map(str, args)], timeout=timeout, check=check)


def admin_key(database, role="admin"):
    out = qualify("keys", "create", "--role", role, "--name", "reliability", "--database", database).stdout.strip()
    key = out.splitlines()[-1].strip() if out else ""
    if not key.startswith("qk_"):
        raise Failure(f"keys create printed no key: {out!r}")
    return key


def stored_event_count(database):
    """The events stored that a client sent: all of them less those qualify's rules and timers recorded (routing's
    assignments, escalations, follow-up steps announced by serve's timer)."""
    out = qualify("stats", "--database", database).stdout
    m = re.search(r"events (\d+)", out)
    if not m:
        raise Failure(f"qualify stats printed no event count: {out!r}")
    own = re.search(r"events \d+ \((\d+) recorded by qualify", out)
    return int(m.group(1)) - (int(own.group(1)) if own else 0)


class Answer:
    def __init__(self, status, headers, body, elapsed):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"{self.status} {self.text[:300]!r}"


def request(addr, method, path, body=None, key=None, timeout=10.0, headers=None):
    """One request on a new connection. Raises OSError / http.client.HTTPException when there is no answer."""
    h = {"Connection": "close"}
    if key:
        h["Authorization"] = f"Bearer {key}"
    if body is not None:
        if not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(addr[0], addr[1], timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data, time.monotonic() - t0)
    finally:
        conn.close()


def try_request(*args, **kw):
    """Like request, but an exception comes back as an Answer with status None and the error as text."""
    t0 = time.monotonic()
    try:
        return request(*args, **kw)
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, {}, f"{type(error).__name__}: {error}".encode(), time.monotonic() - t0)


def unavailable_problem(answer):
    """What is wrong with a 503 answer (empty when it is as documented: Retry-After, no internals)."""
    wrong = []
    if "retry-after" not in answer.headers:
        wrong.append("no Retry-After header")
    leaked = internals_in(answer.text)
    if leaked:
        wrong.append(f"internals in the body ({', '.join(leaked)}): {answer.text[:300]!r}")
    return wrong


def proc_status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# ---------------------------------------------------------------------------------------------------------------------
# the server under test

class Server:
    """One `qualify serve --port 0` process, its log in the scenario's dir."""

    def __init__(self, sc, database, label="serve", extra=(), preexec_fn=None):
        self.sc, self.database, self.label, self.extra, self.preexec_fn = sc, database, label, list(extra), preexec_fn
        self.log_path = os.path.join(sc.dir, f"{label}.log")
        self.proc = None
        self.addr = None
        self.starts = 0
        sc.servers.append(self)

    def start(self, timeout=60):
        self.starts += 1
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "ab")
        log.write(f"--- start {self.starts}: serve {' '.join(self.extra)} on {self.database}\n".encode())
        log.flush()
        self.proc = subprocess.Popen([BIN, "serve", "--port", "0", "--database", self.database, *self.extra],
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=self.preexec_fn)
        log.close()
        proc = self.proc
        on_cleanup(f"{self.label} (pid {proc.pid})", lambda: self._kill(proc))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                m = re.search(rb"serving http://127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.addr = ("127.0.0.1", int(m.group(1)))
                return self
            if proc.poll() is not None:
                raise Failure(f"{self.label} exited with status {proc.returncode} before serving")
            time.sleep(0.05)
        raise Failure(f"{self.label} printed no 'serving http://…' line within {timeout} s")

    @staticmethod
    def _kill(proc):
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self):
        rc = self.proc.poll()
        if rc is None:
            return "running"
        if rc < 0:
            return f"killed by signal {-rc} ({signal.Signals(-rc).name})"
        return f"exited with status {rc}"

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout=15):
        """SIGTERM, then wait: returns the exit status (a Failure when it does not stop within `timeout`)."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure(f"{self.label} did not stop within {timeout} s of SIGTERM")
        return self.proc.returncode

    def tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace").splitlines()[-n:]
        except OSError:
            return []


# ---------------------------------------------------------------------------------------------------------------------
# a throwaway PostgreSQL (as .ci/run starts one: initdb/pg_ctl in a temp dir, a free loopback port, fsync off)

def postgres_bin():
    env = os.environ.get("QUALIFY_PG_BIN")
    if env:
        return env
    dirs = glob.glob("/usr/lib/postgresql/*/bin")
    dirs.sort(key=lambda d: [int(x) for x in re.findall(r"\d+", d)])
    if dirs:
        return dirs[-1]
    found = shutil.which("pg_ctl")
    return os.path.dirname(found) if found else None


class Postgres:
    def __init__(self, sc):
        self.bin = postgres_bin()
        if not self.bin:
            message = "no PostgreSQL binaries (initdb, pg_ctl) found; set QUALIFY_PG_BIN"
            raise Failure(message) if IN_CI else Skip(message)
        self.dir = tempfile.mkdtemp(prefix="pg.", dir=sc.dir)
        self.as_pg = []
        if IS_ROOT:  # initdb and postgres refuse to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.running = False
        on_cleanup(f"PostgreSQL on port {self.port}", self._cleanup)
        r = run(self.as_pg + [f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync"],
                timeout=120)
        if r.returncode != 0:
            raise Failure(f"initdb failed: {(r.stderr or r.stdout)[-800:]}")
        self.start()

    def start(self):
        r = run(self.as_pg + [f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w",
                              "-t", "60", "start", "-o",
                              f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                              f"-c max_connections=200"], timeout=90)
        if r.returncode != 0:
            raise Failure(f"PostgreSQL did not start: {self.log_tail()}")
        self.running = True

    def stop_immediate(self):
        run(self.as_pg + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"], timeout=60, check=True)
        self.running = False

    def createdb(self, name):
        run(self.as_pg + [f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            timeout=60, check=True)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}?{PG_QUERY}"

    def log_tail(self, n=10):
        try:
            with open(os.path.join(self.dir, "server.log")) as f:
                return " | ".join(f.read().splitlines()[-n:])
        except OSError:
            return "(no log)"

    def _cleanup(self):
        if os.path.isdir(self.data):
            run(self.as_pg + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"], timeout=60)


# ---------------------------------------------------------------------------------------------------------------------
# writers: threads posting single events, each retried with the same id and body until acknowledged

EVENT_TYPES = [("page_view", 60), ("email_open", 12), ("email_click", 8), ("content_download", 8),
               ("form_submit", 5), ("webinar_register", 3), ("demo_request", 2), ("contact_sales", 2)]


class Writers:
    """`threads` threads posting `POST /events?create_leads=true`, one event at a time on a keep-alive connection.

    An event is retried with the same id and body after a 503 or a connection error (as a client should: ingest is
    idempotent) until it is acknowledged with 200 or the writers stop. `targets()` gives the servers to post to;
    a writer moves to the next one after a connection error. Every answer is counted under the current `phase`."""

    def __init__(self, targets, key, prefix, threads=4, emails=300, domain=None, prop_bytes=0, timeout=10.0,
                 seed=SEED, pause_after_503=0.1):
        self.targets, self.key, self.prefix, self.threads = targets, key, prefix, threads
        self.emails = [f"lead{n}@{domain or prefix + '-reliability.io'}" for n in range(emails)]
        self.prop_bytes, self.timeout, self.seed, self.pause_after_503 = prop_bytes, timeout, seed, pause_after_503
        self.phase = "start"
        self.lock = threading.Lock()
        self.sent = {}           # id -> body: every event posted at least once
        self.acked = {}          # id -> "applied" | "duplicate": answered 200
        self.retried = set()     # ids sent more than once (after a 503, a timeout or a lost connection)
        self.answers = collections.Counter()     # (phase, status or error kind)
        self.latency = collections.defaultdict(float)  # phase -> slowest answer
        self.unacceptable = []   # (phase, what): answers the scenario never accepts
        self.last_ok = [0.0] * threads
        self.first_503 = None
        self.samples = {}        # status -> the first answer with it (for the figures)
        self.marks = []          # (monotonic time, what): the scenario's faults, to place slow answers
        self.slow = []           # (start, elapsed, phase, outcome) of answers slower than 3 s
        self._stop = threading.Event()
        self._threads = []

    def event(self, rnd, eid):
        kind = rnd.choices([t for t, _ in EVENT_TYPES], [w for _, w in EVENT_TYPES])[0]
        props = {"url": f"/page/{rnd.randrange(50)}" if rnd.random() < 0.8 else "/pricing"}
        if self.prop_bytes:
            props["note"] = "x" * self.prop_bytes
        return json.dumps({"id": eid, "email": rnd.choice(self.emails), "type": kind,
                           "at": now_iso(rnd.uniform(60, 30 * 86400)), "properties": props}).encode()

    def start(self):
        for i in range(self.threads):
            t = threading.Thread(target=self._run, args=(i,), daemon=True, name=f"writer-{self.prefix}-{i}")
            t.start()
            self._threads.append(t)
        on_cleanup(f"writers {self.prefix}", self.stop)
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=self.timeout + 5)

    def count(self, phase_prefix="", what=None):
        return sum(n for (p, w), n in self.answers.items()
                   if p.startswith(phase_prefix) and (what is None or w == what))

    def sample_figure(self, status):
        a = self.samples.get(status)
        if a is None:
            return f"no {status} answer"
        return f"{status} answer: Retry-After {a.headers.get('retry-after', '(none)')}, {a.text[:160]}"

    def retry_figure(self):
        with self.lock:
            dup = sum(1 for e in self.retried if self.acked.get(e) == "duplicate")
            return f"{len(self.retried)} retried ({dup} answered duplicate: stored before the answer was lost)"

    def mark(self, what):
        with self.lock:
            self.marks.append((time.monotonic(), what))

    def slow_report(self, n=5):
        """The slowest answers, each placed after the last fault mark before it started."""
        with self.lock:
            worst = sorted(self.slow, key=lambda s: -s[1])[:n]
            marks = list(self.marks)
        out = []
        for start, elapsed, phase, outcome, request_id in worst:
            before = [(t, m) for t, m in marks if t <= start]
            where = f"{start - before[-1][0]:.1f} s after {before[-1][1]}" if before else "before any fault"
            out.append(f"{outcome} after {elapsed:.1f} s (X-Request-Id {request_id}, sent {where})")
        return out

    def _note(self, phase, what, elapsed=None, unacceptable=None, start=None, request_id=None):
        with self.lock:
            if start is not None and elapsed is not None and elapsed > 3 and len(self.slow) < 1000:
                self.slow.append((start, elapsed, phase, what, request_id))
            self.answers[(phase, what)] += 1
            if isinstance(what, int) and elapsed is not None and elapsed > self.latency[phase]:
                self.latency[phase] = elapsed
            if unacceptable and len(self.unacceptable) < 200:
                self.unacceptable.append((phase, unacceptable))

    def _run(self, i):
        rnd = random.Random(f"{self.seed}-{self.prefix}-{i}")
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        conn, conn_addr, target = None, None, i
        seq = 0
        while not self._stop.is_set():
            seq += 1
            eid = f"{self.prefix}-{self.seed}-{i}-{seq}"
            body = self.event(rnd, eid)
            with self.lock:
                self.sent[eid] = body
            attempts = 0
            while not self._stop.is_set():
                attempts += 1
                if attempts == 2:
                    with self.lock:
                        self.retried.add(eid)
                targets = self.targets()
                if not targets:
                    time.sleep(0.05)
                    continue
                addr = targets[target % len(targets)]
                phase = self.phase
                t0 = time.monotonic()
                try:
                    if conn is None or conn_addr != addr:
                        if conn is not None:
                            conn.close()
                        conn, conn_addr = http.client.HTTPConnection(addr[0], addr[1], timeout=self.timeout), addr
                    request_id = f"{eid}.{attempts}"  # X-Request-Id: the server logs its failures with it
                    conn.request("POST", "/events?create_leads=true", body=body,
                                 headers={**headers, "X-Request-Id": request_id})
                    r = conn.getresponse()
                    data = r.read()
                except socket.timeout:
                    self._note(phase, "no answer in time", time.monotonic() - t0, start=t0, request_id=request_id)
                    conn.close()
                    conn = None
                    continue
                except (OSError, http.client.HTTPException) as error:
                    self._note(phase, "connection error", time.monotonic() - t0, start=t0, request_id=request_id)
                    if conn is not None:
                        conn.close()
                    conn = None
                    target += 1
                    time.sleep(0.05)
                    continue
                elapsed = time.monotonic() - t0
                answer = Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data, elapsed)
                if r.will_close:
                    conn.close()
                    conn = None
                if answer.status not in self.samples:
                    with self.lock:
                        self.samples.setdefault(answer.status, answer)
                if answer.status == 200:
                    try:
                        status = answer.json().get("status")
                    except ValueError:
                        status = None
                    if status in ("applied", "duplicate"):
                        self._note(phase, 200, elapsed, start=t0, request_id=request_id)
                        with self.lock:
                            self.acked[eid] = status
                            self.last_ok[i] = time.monotonic()
                    else:
                        self._note(phase, "200 without applied/duplicate", elapsed, f"200 {answer.text[:200]!r}")
                    break
                if answer.status == 503:
                    wrong = unavailable_problem(answer)
                    self._note(phase, 503, elapsed, f"503 with {'; '.join(wrong)}" if wrong else None, start=t0,
                               request_id=request_id)
                    with self.lock:
                        if self.first_503 is None:
                            self.first_503 = time.monotonic()
                    time.sleep(self.pause_after_503)
                    continue
                self._note(phase, answer.status, elapsed, f"{answer.status} {answer.text[:300]!r}", start=t0,
                           request_id=request_id)
                break  # refused: not acknowledged, not retried
        if conn is not None:
            conn.close()


def repost(addr, key, bodies, chunk=1000):
    """Posts the events again through POST /events/batch; returns id -> status (applied, duplicate, rejected)."""
    statuses = {}
    items = list(bodies.items())
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        payload = b'{"events":[' + b",".join(b for _, b in part) + b"]}"
        for attempt in range(20):
            a = try_request(addr, "POST", "/events/batch?create_leads=true", payload, key=key, timeout=120)
            if a.status == 200:
                break
            if a.status not in (None, 503):
                raise Failure(f"re-posting {len(part)} events answered {a!r}")
            time.sleep(0.5)
        else:
            raise Failure(f"re-posting {len(part)} events failed 20 times: {a!r}")
        results = a.json()["results"]
        for (eid, _), result in zip(part, results):
            statuses[eid] = result.get("status")
    return statuses


def check_acknowledged_stored(sc, addr, key, writers, label=""):
    """Every acknowledged event posted again must come back as a duplicate. Returns (acknowledged, lost)."""
    acked = {eid: writers.sent[eid] for eid in writers.acked}
    statuses = repost(addr, key, acked)
    lost = [eid for eid, s in statuses.items() if s != "duplicate"]
    sc.check(not lost, f"{label}{len(lost)} of {len(acked)} acknowledged events were not stored "
                       f"(re-posted, they came back {collections.Counter(statuses[e] for e in lost)}; "
                       f"first: {lost[:5]})")
    return len(acked), len(lost)


def check_stored_once(sc, addr, key, writers, database, label=""):
    """After the acknowledged ones are checked: post every other event sent (answered or not), so every id sent is
    stored; the database must then hold exactly as many events as ids sent — none doubled."""
    rest = {eid: body for eid, body in writers.sent.items() if eid not in writers.acked}
    repost(addr, key, rest)
    stored = stored_event_count(database)
    sc.check(stored == len(writers.sent), f"{label}the database holds {stored} events for {len(writers.sent)} "
                                          f"distinct ids sent ({stored - len(writers.sent):+d})")
    return stored, len(rest)


# ---------------------------------------------------------------------------------------------------------------------
# scenarios

SCENARIOS = []


def scenario(name, summary):
    def register(fn):
        SCENARIOS.append((name, summary, fn))
        return fn
    return register


def stop_checked(sc, server, when):
    """SIGTERM: the server must exit with status 0 within 15 s. Returns the status (None when it had to be killed)."""
    try:
        rc = server.stop()
    except Failure as failure:
        sc.check(False, f"SIGTERM {when}: {failure}")
        return None
    sc.check(rc == 0, f"SIGTERM {when}: {server.label} {server.exit_description()}")
    return rc


class Scenario:
    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"{name}.", dir=ROOT)
        os.chmod(self.dir, 0o755)
        self.failures = []
        self.figures = []
        self.servers = []

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)
        return ok

    def figure(self, text):
        self.figures.append(text)

    def server(self, database, label="serve", extra=(), **kw):
        return Server(self, database, label, extra, **kw)

    def require_alive(self, server, when):
        if not server.alive():
            raise Failure(f"{server.label} died {when}: {server.exit_description()}")


@scenario("pg_outage", "PostgreSQL stopped hard 3 times under 4 writers: alive, 503s, recovery, nothing lost")
def pg_outage(sc):
    pg = Postgres(sc)
    url = pg.createdb("outage")
    key = admin_key(url)
    srv = sc.server(url).start()
    w = Writers(lambda: [srv.addr], key, "pgo", emails=300).start()
    w.phase = "before"
    time.sleep(3)
    sc.check(w.count("before", 200) > 0, f"no event acknowledged in the first 3 s: {dict(w.answers)}")
    survived, ready_max, recoveries, probe_count = 0, 0.0, [], 0
    for cycle in range(1, OUTAGES + 1):
        w.mark(f"PostgreSQL stopped ({cycle})")
        pg.stop_immediate()
        stopped = time.monotonic()
        w.phase = f"outage{cycle}"
        while time.monotonic() - stopped < 6:
            a = try_request(srv.addr, "GET", "/health/ready", timeout=5)
            probe_count += 1
            ready_max = max(ready_max, a.elapsed)
            sc.require_alive(srv, f"during outage {cycle}")
            live = try_request(srv.addr, "GET", "/health/live", timeout=5)
            if live.status != 200 or live.elapsed > 1.5:
                sc.check(False, f"outage {cycle}: GET /health/live answered {live!r} in {live.elapsed:.2f} s "
                                f"(expected 200: the process is up)")
            if a.status != 503 or a.elapsed > 1.5:
                sc.check(False, f"outage {cycle}: GET /health/ready answered {a!r} in {a.elapsed:.2f} s "
                                f"(expected 503 within 1.5 s)")
            elif internals_in(a.text):
                sc.check(False, f"outage {cycle}: /health/ready 503 carries internals: {a.text[:300]!r}")
            time.sleep(0.25)
        sc.check(w.count(f"outage{cycle}", 503) > 0,
                 f"outage {cycle}: no post answered 503 while PostgreSQL was down "
                 f"({ {k[1]: v for k, v in w.answers.items() if k[0] == f'outage{cycle}'} })")
        w.phase = f"recovery{cycle}"
        pg.start()
        started = time.monotonic()
        w.mark(f"PostgreSQL started ({cycle})")
        ready = wait_until(lambda: try_request(srv.addr, "GET", "/health/ready", timeout=5).status == 200, 20, 0.2)
        sc.require_alive(srv, f"after PostgreSQL came back ({cycle})")
        if not ready:
            raise Failure(f"outage {cycle}: /health/ready not 200 within 20 s of PostgreSQL's restart: "
                          f"{try_request(srv.addr, 'GET', '/health/ready', timeout=5)!r}")
        ready_at = time.monotonic()
        posts_ok = wait_until(lambda: all(t > ready_at for t in w.last_ok), 15, 0.1)
        recovered = (ready_at - started, time.monotonic() - started)
        sc.check(posts_ok, f"outage {cycle}: not every writer had a post acknowledged within 15 s of /health/ready "
                           f"200 (last acknowledgements {[round(ready_at - t, 1) for t in w.last_ok]} s before it)")
        recoveries.append(recovered)
        survived += 1
        w.phase = f"after{cycle}"
        time.sleep(1.5)
    w.stop()
    sc.require_alive(srv, "after the writers stopped")
    outage_bad = [(p, what) for p, what in w.unacceptable]
    sc.check(not outage_bad, f"{len(outage_bad)} unacceptable answers, first: {outage_bad[:4]}")
    slow = {p: n for (p, what), n in w.answers.items() if what == "no answer in time"}
    errors = {p: n for (p, what), n in w.answers.items() if what == "connection error"}
    sc.check(not slow, f"posts not answered within {w.timeout:.0f} s (by the phase they were sent in): {slow}; "
                       f"slowest: {w.slow_report()}")
    sc.check(not errors, f"posts that got no answer (connection closed or refused, by phase): {errors}")
    acked, lost = check_acknowledged_stored(sc, srv.addr, key, w)
    stored, _ = check_stored_once(sc, srv.addr, key, w, url)
    t = time.monotonic()
    rc = stop_checked(sc, srv, "after the outages")
    stop_took = time.monotonic() - t
    post_max = max((w.latency[p] for p in w.latency if p.startswith("outage")), default=0.0)
    sc.figure(f"outages survived {survived}/{OUTAGES}")
    sc.figure(f"ready 503 latency max {ready_max:.2f} s over {probe_count} probes")
    sc.figure(f"503 posts {w.count('outage', 503)} (slowest answer {post_max:.2f} s; {w.sample_figure(503)})")
    sc.figure("recovery (ready, every writer acknowledged) "
              + ", ".join(f"{r:.1f}/{p:.1f}" for r, p in recoveries) + " s")
    sc.figure(f"acknowledged {acked}, lost {lost}, stored {stored} for {len(w.sent)} ids; {w.retry_figure()}")
    sc.figure(f"SIGTERM exit {rc} in {stop_took:.1f} s")


@scenario("sqlite_readonly_or_full", "SQLite on a full 8 MB tmpfs: 503 + Retry-After, alive, recovers when freed")
def sqlite_full(sc):
    if not IS_ROOT:
        raise Skip("needs root to mount a tmpfs")
    mnt = os.path.join(sc.dir, "tmpfs")
    os.mkdir(mnt)
    r = run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt])
    if r.returncode != 0:
        raise Skip(f"mount -t tmpfs failed ({(r.stderr or r.stdout).strip()}); a read-only directory is no "
                   f"substitute once the file is open")

    def unmount():
        if run(["umount", mnt]).returncode != 0:
            run(["umount", "-l", mnt])
    on_cleanup(f"tmpfs {mnt}", unmount)
    db = os.path.join(mnt, "q.sqlite")
    key = admin_key(db)
    srv = sc.server(db).start()
    request(srv.addr, "GET", "/health/ready")
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    filler = os.path.join(mnt, "filler")
    size = max(0, free - (1 << 20))
    with open(filler, "wb") as f:
        chunk = b"\0" * (1 << 20)
        left = size
        while left > 0:
            f.write(chunk[:min(left, len(chunk))])
            left -= min(left, len(chunk))
    w = Writers(lambda: [srv.addr], key, "full", emails=200, prop_bytes=1500).start()
    w.phase = "filling"
    full = wait_until(lambda: w.first_503 is not None and w.count("filling", 503) >= 20
                      and time.monotonic() - w.first_503 > 2, 40, 0.2)
    sc.require_alive(srv, "while the disk was full")
    if not full:
        w.stop()
        raise Failure(f"the disk never filled in 40 s: answers {dict(w.answers)}, "
                      f"{shutil.disk_usage(mnt).free} bytes free")
    live = try_request(srv.addr, "GET", "/health/live", timeout=5)
    sc.check(live.status == 200, f"/health/live while the disk was full: {live!r}")
    ready_full = try_request(srv.addr, "GET", "/health/ready", timeout=5)
    full_answers = {what: n for (p, what), n in w.answers.items() if p == "filling"}
    os.remove(filler)
    freed = time.monotonic()
    w.phase = "freed"
    ok = wait_until(lambda: all(t > freed for t in w.last_ok), 15, 0.1)
    recovered = time.monotonic() - freed
    sc.check(ok, f"posts did not succeed again within 15 s of freeing space: {dict(w.answers)}")
    time.sleep(1.5)
    w.stop()
    sc.require_alive(srv, "after space was freed")
    sc.check(not w.unacceptable, f"{len(w.unacceptable)} unacceptable answers, first: {w.unacceptable[:4]}")
    errors = w.count("", "connection error") + w.count("", "no answer in time")
    sc.check(errors == 0, f"{errors} posts got no answer: {dict(w.answers)}")
    acked, lost = check_acknowledged_stored(sc, srv.addr, key, w)
    sc.figure(f"answers while full {full_answers} ({w.sample_figure(503)})")
    sc.figure(f"/health/ready while full {ready_full.status}")
    sc.figure(f"recovered {recovered:.1f} s after freeing")
    sc.figure(f"acknowledged {acked}, lost {lost}")


@scenario("cli_import_beside_server", "qualify import events on the served SQLite file while 4 threads post events")
def cli_import(sc):
    demo = os.path.join(sc.dir, "demo")
    qualify("demo", "--leads", 300, "--seed", 5, "--events-per-lead", 40, "--out", demo)
    with open(os.path.join(demo, "events.csv")) as f:
        rows = sum(1 for _ in f) - 1
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db)
    srv = sc.server(db).start()
    leads = qualify("import", "leads", os.path.join(demo, "leads.csv"), "--database", db, check=False)
    sc.check(leads.returncode == 0, f"import leads beside the server exited {leads.returncode}: "
                                    f"{(leads.stderr or leads.stdout)[-500:]!r}")
    w = Writers(lambda: [srv.addr], key, "imp", emails=300).start()
    w.phase = "import"
    time.sleep(1)
    t0 = time.monotonic()
    first = qualify("import", "events", os.path.join(demo, "events.csv"), "--batch-size", 500, "--database", db,
                    check=False, timeout=180)
    took = time.monotonic() - t0
    second = qualify("import", "events", os.path.join(demo, "events.csv"), "--database", db, check=False, timeout=180)
    time.sleep(0.5)
    w.stop()
    sc.require_alive(srv, "after the import")
    for label, r in (("first", first), ("second", second)):
        sc.check(r.returncode == 0, f"the {label} import exited {r.returncode}: {(r.stderr or r.stdout)[-800:]!r}")
    m1 = re.search(r"(\d+) applied, (\d+) duplicate, (\d+) rejected", first.stdout + first.stderr)
    m2 = re.search(r"(\d+) applied, (\d+) duplicate, (\d+) rejected", second.stdout + second.stderr)
    if sc.check(m1 is not None, f"the first import printed no summary: {(first.stdout + first.stderr)[-500:]!r}"):
        sc.check(int(m1.group(1)) == rows and int(m1.group(3)) == 0,
                 f"the first import: {m1.group(0)} for {rows} rows (expected all applied)")
    if sc.check(m2 is not None, f"the second import printed no summary: {(second.stdout + second.stderr)[-500:]!r}"):
        sc.check(int(m2.group(1)) == 0 and int(m2.group(2)) == rows,
                 f"the second import: {m2.group(0)} for {rows} rows (expected all duplicate)")
    four = {what: n for (p, what), n in w.answers.items() if isinstance(what, int) and 400 <= what < 500}
    sc.check(not four, f"API posts answered 4xx beside the import: {four}; first: {w.unacceptable[:3]}")
    sc.check(not w.unacceptable, f"{len(w.unacceptable)} unacceptable answers, first: {w.unacceptable[:4]}")
    errors = w.count("", "connection error") + w.count("", "no answer in time")
    sc.check(errors == 0, f"{errors} posts got no answer: {dict(w.answers)}")
    acked, lost = check_acknowledged_stored(sc, srv.addr, key, w)
    stored = stored_event_count(db)
    sc.check(stored >= rows + acked, f"the database holds {stored} events, fewer than {rows} imported + {acked} "
                                     f"acknowledged")
    sc.figure(f"import of {rows} events {took:.1f} s, exit {first.returncode}/{second.returncode}")
    sc.figure(f"API 200s {w.count('', 200)}, 503s {w.count('', 503)}, 4xx {sum(four.values())}")
    sc.figure(f"acknowledged {acked}, lost {lost}")


def alias_bomb_text(levels=9, width=9):
    lines = ['a0: &a0 [' + ",".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    lines.append("name: bomb")
    return "\n".join(lines) + "\n"


# /model/validate's contract (openapi.yaml: 200 with ModelCheck {valid, errors}) answers an invalid model with 200
# and valid: false; that answer is accepted from validate when its errors name the expansion. dry-run and activate
# have no such answer: they must refuse with a 4xx.
VALIDATE_MAY_ANSWER_200_INVALID = True


@scenario("alias_bomb", "a 9×9 YAML alias bomb to the model endpoints and `qualify model check`: refused, bounded")
def alias_bomb(sc):
    text = alias_bomb_text()
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db)
    srv = sc.server(db).start()
    rss_before = proc_status_kb(srv.pid, "VmRSS")
    peak = [rss_before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], proc_status_kb(srv.pid, "VmRSS"))
            time.sleep(0.02)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    names_problem = re.compile(r"alias|expand", re.I)
    results = []
    try:
        for path in ("/model/validate", "/model/dry-run", "/model/activate"):
            a = try_request(srv.addr, "POST", path, {"source": text}, key=key, timeout=30)
            results.append(f"{path.rsplit('/', 1)[1]} {a.status} in {a.elapsed:.2f} s")
            sc.require_alive(srv, f"after POST {path}")
            sc.check(a.status is not None and a.elapsed <= 2.0, f"POST {path}: answered {a!r} in {a.elapsed:.2f} s "
                                                                 f"(expected within 2 s)")
            named = names_problem.search(a.text) is not None
            if a.status is not None and 400 <= a.status < 500:
                sc.check(named, f"POST {path}: {a.status} does not name the alias expansion: {a.text[:300]!r}")
            elif a.status == 200 and path == "/model/validate" and VALIDATE_MAY_ANSWER_200_INVALID:
                body = a.json()
                sc.check(body.get("valid") is False and named,
                         f"POST {path}: 200 without valid=false naming the alias expansion: {a.text[:300]!r}")
            else:
                sc.check(False, f"POST {path}: expected a 4xx naming the problem, got {a!r}")
        # an alias used as a mapping key is refused too (README "Limits")
        key_alias = "a: &k {x: 1}\n? *k\n: 2\nname: keyalias\n"
        a = try_request(srv.addr, "POST", "/model/validate", {"source": key_alias}, key=key, timeout=30)
        refused = ((a.status is not None and 400 <= a.status < 500)
                   or (a.status == 200 and a.json().get("valid") is False))
        sc.check(refused and a.elapsed <= 2.0, f"an alias as a mapping key: {a!r} in {a.elapsed:.2f} s")
    finally:
        done.set()
        sampler.join()
    live = try_request(srv.addr, "GET", "/health/live", timeout=5)
    sc.check(live.status == 200, f"/health/live after the bomb: {live!r}")
    sc.check(peak[0] < 500 * 1024, f"server RSS peaked at {peak[0] // 1024} MB (limit 500 MB)")
    path = os.path.join(sc.dir, "bomb.yaml")
    with open(path, "w") as f:
        f.write(text)
    t0 = time.monotonic()
    try:
        r = run([BIN, "model", "check", path], timeout=5)
        took = time.monotonic() - t0
        out = (r.stdout + r.stderr).strip()
        sc.check(r.returncode > 0,
                 f"qualify model check exited {r.returncode} (expected 1, not a signal): {out[-300:]!r}")
        sc.check(names_problem.search(out) is not None, f"qualify model check did not name the problem: {out[-300:]!r}")
        check_fig = f"model check exit {r.returncode} in {took:.2f} s"
    except subprocess.TimeoutExpired:
        sc.check(False, "qualify model check did not finish within 5 s")
        check_fig = "model check > 5 s"
    sc.figure(f"{len(text)}-byte bomb")
    sc.figure(", ".join(results))
    sc.figure(f"RSS {rss_before // 1024} → peak {peak[0] // 1024} MB")
    sc.figure(check_fig)


@scenario("idle_connections", "5,000 idle sockets: server answers others within 2 s, low CPU; --idle-timeout closes")
def idle_connections(sc):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    want = 5000
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if limit != resource.RLIM_INFINITY and limit < want + 200:
        want = max(0, limit - 200)  # shortened rather than skipped; the figure says so
        sc.figure(f"only {want} connections: RLIMIT_NOFILE hard limit {hard}")
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db)

    def common_default_limit():  # the server starts with the usual soft limit of 1024 and must cope on its own
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1]),
                                                    resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    srv = sc.server(db, preexec_fn=common_default_limit).start()
    t0 = time.monotonic()
    idle, failed_connects = [], 0
    try:
        idle, failed_connects = open_idle(srv.addr, want, give_up_after=20)
        opened_in = time.monotonic() - t0
        time.sleep(0.5)
        sc.require_alive(srv, f"with {len(idle)} idle connections")
        sc.check(len(idle) == want, f"opened only {len(idle)} of {want} connections ({failed_connects} handshakes "
                                    f"failed or took over 10 s; gave up after 20)")
        fds = len(os.listdir(f"/proc/{srv.pid}/fd"))
        with open(f"/proc/{srv.pid}/limits") as f:
            server_nofile = next((l.split()[3] for l in f if l.startswith("Max open files")), "?")  # soft
        live = try_request(srv.addr, "GET", "/health/live", timeout=10)
        sc.check(live.status == 200 and live.elapsed <= 2.0,
                 f"GET /health/live beside {len(idle)} idle connections: {live!r} in {live.elapsed:.2f} s")
        leads = try_request(srv.addr, "GET", "/leads?limit=5", key=key, timeout=10)
        sc.check(leads.status == 200 and leads.elapsed <= 2.0,
                 f"GET /leads?limit=5 beside {len(idle)} idle connections: {leads!r} in {leads.elapsed:.2f} s")
        cpu0, w0 = proc_cpu_seconds(srv.pid), time.monotonic()
        time.sleep(3)
        cpu_rate = (proc_cpu_seconds(srv.pid) - cpu0) / (time.monotonic() - w0)
        sc.check(cpu_rate < 0.3, f"the server used {cpu_rate:.2f} CPU-seconds per second holding idle connections "
                                 f"(limit 0.3)")
        rss = proc_status_kb(srv.pid, "VmRSS")
    finally:
        for s in idle:
            s.close()
    time.sleep(0.5)
    sc.require_alive(srv, "after the idle connections closed")
    after = try_request(srv.addr, "GET", "/health/live", timeout=5)
    sc.check(after.status == 200, f"/health/live after the idle connections closed: {after!r}")
    srv.stop()
    # a server that cannot raise its limit (hard limit 1024 too): past its connection limit new connections wait in
    # the backlog, but it must not die of running out of descriptors, and serves again once they close
    def hard_limit_1024():
        hard_now = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard_now), min(1024, hard_now)))
    tight = sc.server(db, "serve-hard-1024", preexec_fn=hard_limit_1024).start()
    many, refused = [], 0
    try:
        many, refused = open_idle(tight.addr, 1500, timeout=2.0)
        time.sleep(0.5)
        sc.require_alive(tight, f"with {len(many)} connections open against a descriptor limit of 1024")
        tight_fds = len(os.listdir(f"/proc/{tight.pid}/fd"))
    finally:
        for s in many:
            s.close()
    back = wait_until(lambda: try_request(tight.addr, "GET", "/health/live", timeout=2).status == 200, 10, 0.2)
    sc.require_alive(tight, "after the connections over its descriptor limit closed")
    sc.check(back, "a server with a descriptor limit of 1024 did not answer /health/live within 10 s of the idle "
                   "connections closing")
    tight.stop()
    # a server with --idle-timeout 2 closes an idle socket, and a stalled half-sent request, within ~4 s
    short = sc.server(db, "serve-idle-timeout", ["--idle-timeout", "2"]).start()
    closes = []
    for label, prefix in (("idle", b""), ("stalled", b"GET /health/live HTTP/1.1\r\nHost: x\r\n")):
        s = socket.create_connection(short.addr, timeout=10)
        if prefix:
            s.sendall(prefix)
        t = time.monotonic()
        try:
            while s.recv(4096):
                pass
            closed = time.monotonic() - t
        except socket.timeout:
            closed = None
        except ConnectionResetError:
            closed = time.monotonic() - t
        finally:
            s.close()
        sc.check(closed is not None and closed <= 4.5,
                 f"--idle-timeout 2: a {label} connection was " +
                 ("not closed within 10 s" if closed is None else f"closed after {closed:.1f} s (expected ≤ 4.5 s)"))
        closes.append(f"{label} closed in " + ("> 10 s" if closed is None else f"{closed:.1f} s"))
    sc.figure(f"{len(idle)} idle connections opened in {opened_in:.1f} s (server started with a soft limit of 1024: "
              f"fds {fds} of {server_nofile}, "
              f"RSS {rss // 1024} MB)")
    sc.figure(f"live {live.elapsed:.2f} s, leads {leads.elapsed:.2f} s")
    sc.figure(f"CPU {cpu_rate:.3f} s/s")
    sc.figure(f"hard limit 1024: {len(many)} of 1500 connected ({refused} waited > 2 s), server fds {tight_fds}, "
              f"alive, serves after")
    sc.figure(", ".join(closes))


def open_idle(addr, n, wave=250, timeout=10.0, give_up_after=None):
    """Opens n TCP connections that send nothing, `wave` handshakes in flight at once (a handshake that meets a full
    accept queue waits out a SYN retransmit; in waves those waits overlap), and stops early once `give_up_after`
    handshakes failed or timed out. Returns (sockets, failed count)."""
    opened, failed = [], 0
    while len(opened) + failed < n and (give_up_after is None or failed < give_up_after):
        batch = []
        for _ in range(min(wave, n - len(opened) - failed)):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(addr)
            batch.append(s)
        sel = selectors.DefaultSelector()
        for s in batch:
            sel.register(s, selectors.EVENT_WRITE)
        pending, deadline = set(batch), time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for k, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
                s = k.fileobj
                sel.unregister(s)
                pending.discard(s)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    opened.append(s)
                else:
                    failed += 1
                    s.close()
        for s in pending:
            failed += 1
            s.close()
        sel.close()
    return opened, failed


def metric_transitions(addr, key):
    a = request(addr, "GET", "/metrics", key=key)
    if a.status != 200:
        raise Failure(f"GET /metrics answered {a!r}")
    counts = collections.Counter()
    for m in re.finditer(r'^qualify_stage_transitions_total\{([^}]*)\}\s+([0-9.e+]+)$', a.text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        counts[(labels.get("from"), labels.get("to"))] += int(float(m.group(2)))
    return counts


@scenario("late_events_once", "out-of-order and resent events: each stage move recorded and announced once")
def late_events_once(sc):
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db)
    srv = sc.server(db).start()
    day = 86400
    # lead A by single posts: the latest event first, then older ones (another SQL trigger among them), then again
    a_email, b_email = "late.a@lateco.io", "late.b@lateco.io"
    late = {"id": "late-a-1", "email": a_email, "type": "demo_request", "at": now_iso(2 * day)}
    older = [
        {"id": "late-a-2", "email": a_email, "type": "content_download", "at": now_iso(20 * day),
         "properties": {"asset": "x"}},
        {"id": "late-a-3", "email": a_email, "type": "page_view", "at": now_iso(15 * day),
         "properties": {"url": "/pricing"}},
        {"id": "late-a-4", "email": a_email, "type": "contact_sales", "at": now_iso(10 * day)},
        {"id": "late-a-5", "email": a_email, "type": "demo_request", "at": now_iso(8 * day)},
    ]
    statuses = []
    for e in [late] + older + [late] + older:
        a = request(srv.addr, "POST", "/events?create_leads=true", e, key=key)
        statuses.append(a.json().get("status") if a.status == 200 else f"{a.status}")
    sc.check(statuses == ["applied"] * 5 + ["duplicate"] * 5, f"lead A's answers: {statuses}")
    # lead B by batches: an SQL trigger first, then a batch of older events out of order, then both again
    b1 = [{"id": "late-b-1", "email": b_email, "type": "contact_sales", "at": now_iso(1 * day)}]
    b2 = [{"id": "late-b-3", "email": b_email, "type": "form_submit", "at": now_iso(9 * day)},
          {"id": "late-b-2", "email": b_email, "type": "webinar_register", "at": now_iso(30 * day)},
          {"id": "late-b-4", "email": b_email, "type": "demo_request", "at": now_iso(5 * day)}]
    batch_statuses = []
    for batch in (b1, b2, b1, b2 + b1):
        a = request(srv.addr, "POST", "/events/batch?create_leads=true", {"events": batch}, key=key)
        batch_statuses += [r.get("status") for r in a.json()["results"]] if a.status == 200 else [str(a.status)]
    sc.check(batch_statuses == ["applied"] * 4 + ["duplicate"] * 5, f"lead B's batch answers: {batch_statuses}")
    history = collections.Counter()
    cards = {}
    for email in (a_email, b_email):
        card = request(srv.addr, "GET", f"/leads/{email}", key=key).json()
        cards[email] = [f"{h['from']}→{h['to']}" for h in card["stage_history"]]
        tos = collections.Counter(h["to"] for h in card["stage_history"])
        sc.check(all(n == 1 for n in tos.values()), f"{email}: a stage entered more than once in its history: "
                                                    f"{cards[email]}")
        sc.check(card["stage"] == "sql", f"{email}: stage {card['stage']} (expected sql)")
        history.update(h["to"] for h in card["stage_history"])
    # the outbox (what webhooks announce) as the metric counts it: each move once, also after the resends
    expected = sum(history.values())
    wait_until(lambda: sum(metric_transitions(srv.addr, key).values()) >= expected, 10, 0.3)
    time.sleep(2)
    counted = metric_transitions(srv.addr, key)
    by_to = collections.Counter()
    for (_, to), n in counted.items():
        by_to[to] += n
    sc.check(by_to == history, f"moves announced (outbox, by stage entered) {dict(by_to)} ≠ moves in the stage "
                               f"histories {dict(history)}; metric {dict(counted)}; histories {cards}")
    sc.figure(f"histories {cards[a_email]} / {cards[b_email]}")
    moves = ", ".join(f"{k[0]}→{k[1]} {v}" for k, v in sorted(counted.items()))
    sc.figure(f"announced {sum(by_to.values())} for {expected} moves ({moves})")


@scenario("formula_export", "spreadsheet formulas in lead fields: CSV exports neutralise them with an apostrophe")
def formula_export(sc):
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db, role="ingest")
    srv = sc.server(db).start()
    leads = {
        "f1@formula.io": {"company": '=HYPERLINK("http://x","y")', "first_name": "@SUM(1)",
                          "owner": "+cmd|' /C calc'!A0"},
        "f2@formula.io": {"company": "+1+2", "first_name": "-2+3", "owner": "=1"},
        "f3@formula.io": {"company": "\tTAB", "first_name": "\rCR", "owner": "@x"},
        "f4@formula.io": {"company": "-12", "first_name": "Ann", "owner": "-3.5"},
        "=1+2@formula.io": {"company": "plain"},
        "-x@formula.io": {"company": "@plain"},
    }
    for email, fields in leads.items():
        a = request(srv.addr, "PUT", f"/leads/{email}", {"fields": fields}, key=key)
        sc.check(a.status == 200, f"PUT /leads/{email}: {a!r}")
    srv.stop()
    r = qualify("leads", "--stage", "all", "--format", "csv", "--limit", 1000, "--database", db)
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    header, body = rows[0], rows[1:]
    risky = re.compile(r"^[=+\-@\t\r]")
    plain_number = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
    unsafe = [(row[0], header[i], cell) for row in body for i, cell in enumerate(row)
              if risky.match(cell) and not plain_number.match(cell)]
    sc.check(not unsafe, f"{len(unsafe)} CSV cells start a formula: {unsafe[:6]}")
    cells = {row[0]: dict(zip(header, row)) for row in body}
    f1 = cells.get("f1@formula.io", {})
    sc.check(f1.get("company") == "'" + leads["f1@formula.io"]["company"], f"f1's company cell: {f1.get('company')!r}")
    sc.check((f1.get("name") or "").startswith("'@SUM(1)"), f"f1's name cell: {f1.get('name')!r}")
    f4 = cells.get("f4@formula.io", {})
    sc.check(f4.get("company") == "-12",
             f"a plain negative number must stay as it is: company cell {f4.get('company')!r}")
    sc.check(f4.get("owner") == "-3.5", f"a plain negative number must stay as it is: owner cell {f4.get('owner')!r}")
    sc.check("'=1+2@formula.io" in cells, f"an email starting with '=' not neutralised: {sorted(cells)}")
    neutralised = sum(1 for row in body for cell in row if cell.startswith("'"))
    # quarantined rows (an import's bad addresses) are a CSV for people too; the source is the file's name
    bad = os.path.join(sc.dir, "=2+3.csv")
    with open(bad, "w") as f:
        f.write('Email,Company\n"=bad@@x",=cmd\n@evil,x\n')
    qualify("import", "leads", bad, "--database", db, check=False)
    q = qualify("leads", "--quarantined", "--format", "csv", "--database", db)
    qrows = list(csv.reader(io.StringIO(q.stdout, newline="")))
    qunsafe = [(row[0], qrows[0][i], cell) for row in qrows[1:] for i, cell in enumerate(row)
               if risky.match(cell) and not plain_number.match(cell)]
    sc.check(len(qrows) >= 3, f"expected 2 quarantined rows: {q.stdout[-400:]!r}")
    sc.check(not qunsafe, f"{len(qunsafe)} quarantine CSV cells start a formula: {qunsafe[:6]}")
    sc.figure(f"{len(body)} leads exported, {neutralised} cells neutralised, {len(unsafe)} unsafe")
    sc.figure(f"quarantine: {len(qrows) - 1} rows, {len(qunsafe)} unsafe")


@scenario("kill9_durability", "kill -9 under writes (SQLite 3×, then one of two servers on PostgreSQL): nothing lost or doubled")
def kill9_durability(sc):
    rnd = random.Random(SEED)
    # SQLite: one server killed 3 times at random moments, restarted on the same file
    db = os.path.join(sc.dir, "q.sqlite")
    key = admin_key(db)
    srv = sc.server(db).start()
    current = [srv.addr]
    w = Writers(lambda: current, key, "k9s", emails=300).start()
    downs = []
    for n in range(1, 4):
        w.phase = f"run{n}"
        time.sleep(rnd.uniform(1.0, 2.5))
        before = len(w.acked)
        srv.kill9()
        current[:] = []
        killed = time.monotonic()
        srv.start()
        current[:] = [srv.addr]
        back = wait_until(lambda: any(t > killed for t in w.last_ok), 20, 0.05)
        downs.append(time.monotonic() - killed)
        sc.check(back, f"kill {n}: no post acknowledged within 20 s of the restart")
        sc.check(len(w.acked) > before, f"kill {n}: nothing acknowledged before the kill")
    # then a graceful stop under the same writes: requests in flight finish, the exit status is 0
    w.phase = "term"
    time.sleep(rnd.uniform(1.0, 2.0))
    t = time.monotonic()
    rc = stop_checked(sc, srv, "under writes")
    term_took = time.monotonic() - t
    current[:] = []
    stopped = time.monotonic()
    srv.start()
    current[:] = [srv.addr]
    sc.check(wait_until(lambda: any(t > stopped for t in w.last_ok), 20, 0.05),
             "no post acknowledged within 20 s of the restart after SIGTERM")
    w.phase = "final"
    time.sleep(1)
    w.stop()
    sc.check(not w.unacceptable, f"SQLite: {len(w.unacceptable)} unacceptable answers, first: {w.unacceptable[:4]}")
    hung = w.count("", "no answer in time")
    sc.check(hung == 0, f"SQLite: {hung} posts not answered within {w.timeout:.0f} s: {w.slow_report()}")
    acked, lost = check_acknowledged_stored(sc, srv.addr, key, w, "SQLite: ")
    stored, unanswered = check_stored_once(sc, srv.addr, key, w, db, "SQLite: ")
    sc.figure(f"SQLite: 3 kills, back in {'/'.join(f'{d:.1f}' for d in downs)} s, SIGTERM exit {rc} in "
              f"{term_took:.1f} s, acknowledged {acked}, lost {lost}, "
              f"stored {stored} for {len(w.sent)} ids ({unanswered} unanswered, {w.retry_figure()})")
    stop_checked(sc, srv, "after the SQLite part")
    # PostgreSQL: two servers on one database, writers spread over both; each killed once while both take writes
    pg = Postgres(sc)
    url = pg.createdb("kill9")
    pkey = admin_key(url)
    a = sc.server(url, "serve-a").start()
    b = sc.server(url, "serve-b").start()
    up = {"a": a, "b": b}
    wp = Writers(lambda: [s.addr for s in up.values()], pkey, "k9p", emails=300).start()
    pg_downs = []
    for n, name in enumerate(("a", "b"), 1):
        wp.phase = f"both{n}"
        time.sleep(rnd.uniform(1.5, 2.5))
        victim = up.pop(name)
        before = len(wp.acked)
        victim.kill9()
        killed = time.monotonic()
        wp.phase = f"one{n}"
        time.sleep(1.0)
        survivor = next(iter(up.values()))
        sc.require_alive(survivor, f"while {victim.label} was down")
        sc.check(len(wp.acked) > before, f"PostgreSQL kill {n}: nothing acknowledged by {survivor.label} alone")
        victim.start()
        up[name] = victim
        pg_downs.append(time.monotonic() - killed)
    wp.phase = "final"
    time.sleep(1.5)
    wp.stop()
    sc.check(not wp.unacceptable, f"PostgreSQL: {len(wp.unacceptable)} unacceptable answers, first: {wp.unacceptable[:4]}")
    hung = wp.count("", "no answer in time")
    sc.check(hung == 0, f"PostgreSQL: {hung} posts not answered within {wp.timeout:.0f} s: {wp.slow_report()}")
    packed, plost = check_acknowledged_stored(sc, a.addr, pkey, wp, "PostgreSQL: ")
    pstored, punanswered = check_stored_once(sc, b.addr, pkey, wp, url, "PostgreSQL: ")
    sc.figure(f"PostgreSQL: 2 servers killed once each (restarted after "
              f"{'/'.join(f'{d:.1f}' for d in pg_downs)} s), acknowledged {packed}, lost {plost}, stored {pstored} "
              f"for {len(wp.sent)} ids ({punanswered} unanswered, {wp.retry_figure()})")


# ---------------------------------------------------------------------------------------------------------------------
# runner

def run_scenario(name, fn):
    sc = Scenario(name)
    depth = len(_cleanups)
    t0 = time.monotonic()
    verdict = None
    try:
        fn(sc)
    except Skip as skip:
        verdict = f"SKIP {name}: {skip}"
    except Failure as failure:
        sc.failures.append(str(failure))
    except Exception as error:
        sc.failures.append(f"error in the suite: {error!r}\n" + traceback.format_exc())
    except BaseException:  # SIGTERM (the wrapper's time limit) or Ctrl-C: say where, clean up, stop
        print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): interrupted; figures so far: {'; '.join(sc.figures)}",
              flush=True)
        raise
    finally:
        unwind(depth)
    took = time.monotonic() - t0
    if verdict is None:
        verdict = f"{'FAIL' if sc.failures else 'PASS'} {name} ({took:.1f} s): " + "; ".join(sc.figures)
    print(verdict, flush=True)
    if sc.failures and not verdict.startswith("SKIP"):
        for f in sc.failures:
            print(f"    - {f}")
        for server in sc.servers:
            lines = server.tail(30)
            if lines:
                print(f"    --- last {len(lines)} lines of {server.label}'s log ({server.log_path}) ---")
                for line in lines:
                    print(f"    | {line}")
        sys.stdout.flush()
    return not sc.failures or verdict.startswith("SKIP")


def main():
    global BIN, ROOT, KEEP
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=BIN, help="the qualify binary (default: $QUALIFY_BIN or .build/debug/qualify)")
    parser.add_argument("--only", action="append", default=[], help="run only this scenario (repeatable, or a,b)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases) for a look")
    args = parser.parse_args()
    if args.list:
        for name, summary, _ in SCENARIOS:
            print(f"{name:26} {summary}")
        return 0
    only = [n for item in args.only for n in item.split(",") if n]
    known = {name for name, _, _ in SCENARIOS}
    unknown = [n for n in only if n not in known]
    if unknown:
        print(f"unknown scenario(s) {', '.join(unknown)}; --list shows them", file=sys.stderr)
        return 2
    BIN = os.path.abspath(args.bin)
    if not os.access(BIN, os.X_OK):
        print(f"no qualify binary at {BIN} (build it, or pass --bin / set QUALIFY_BIN)", file=sys.stderr)
        return 2
    KEEP = args.keep
    ROOT = tempfile.mkdtemp(prefix="qualify-reliability.")
    os.chmod(ROOT, 0o755)  # PostgreSQL runs as postgres under root and needs to reach its dir
    if not KEEP:
        on_cleanup(f"temp dir {ROOT}", lambda: shutil.rmtree(ROOT, ignore_errors=True))

    def terminate(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    print(f"reliability suite: {BIN}, seed {SEED}" + (f", temp dir {ROOT} kept" if KEEP else ""), flush=True)
    ok = True
    t0 = time.monotonic()
    try:
        for name, _, fn in SCENARIOS:
            if only and name not in only:
                continue
            ok = run_scenario(name, fn) and ok
    finally:
        unwind(0)
    print(f"reliability suite {'passed' if ok else 'FAILED'} in {time.monotonic() - t0:.0f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
