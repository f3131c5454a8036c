#!/usr/bin/env python3
"""List hygiene benchmark: `qualify verify` (syntax + disposable + role + free-mail + typo checks, no DNS) against python
email-validator (syntax only, check_deliverability=False) on the same addresses, in the same run; then every address
whose syntax verdicts differ, grouped by cause.

Usage: python3 bench/verify.py [--addresses 200000] [--seed 7] [--runs 3] [--binary .build-release-hyg/release/qualify]
Needs: a release build (swift build -c release --product qualify --scratch-path .build-release-hyg) and
`pip install email-validator`.

The corpus is synthetic and seeded (the X Education data has no emails): company addresses, free-mail, disposable
domains drawn from the bundled lists, role accounts, typos of big providers and of TLDs, quoted local parts, UTF-8 local
parts, IDN domains, address literals and a spread of broken addresses.
"""
import argparse, collections, csv, json, os, random, resource, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LISTS = os.path.join(ROOT, "Sources", "QualifyApp", "Resources", "lists")
OUT = os.path.join(HERE, "out")

FIRST = ["ana", "bruno", "carla", "david", "eva", "felix", "grace", "hugo", "ines", "jan", "kim", "lena", "marco", "nina",
         "omar", "paula", "quinn", "rosa", "sam", "tara", "uwe", "vera", "will", "xena", "yusuf", "zoe", "li", "priya",
         "mohammed", "sofia", "lukas", "emma", "noah", "mia", "olivia", "liam", "chen", "aiko", "raj", "fatima"]
LAST = ["silva", "smith", "muller", "garcia", "rossi", "dubois", "kowalski", "nguyen", "tanaka", "kim", "o'brien",
        "johnson", "schmidt", "jensen", "novak", "horvat", "costa", "ivanova", "patel", "cohen", "walker", "berg"]
WORDS = ["acme", "northwind", "globex", "initech", "umbrella", "stark", "wayne", "tyrell", "cyberdyne", "soylent",
         "hooli", "vandelay", "wonka", "oscorp", "aperture", "gringotts", "monarch", "nakatomi", "blue", "river",
         "peak", "data", "cloud", "logic", "works", "labs", "systems", "solutions", "group", "partners", "metal",
         "foods", "health", "energy", "retail", "capital", "media", "tech", "bio", "green", "north", "atlas"]
TLDS = ["com"] * 10 + ["io", "net", "org", "de", "co.uk", "fr", "es", "it", "nl", "com.br", "co", "ai", "ch", "se", "us"]
FREE = ["gmail.com"] * 8 + ["yahoo.com"] * 4 + ["hotmail.com"] * 3 + ["outlook.com"] * 3 + [
    "aol.com", "icloud.com", "gmx.de", "web.de", "yahoo.co.uk", "hotmail.fr", "mail.ru", "yandex.ru", "qq.com",
    "163.com", "protonmail.com", "live.com", "orange.fr", "libero.it", "t-online.de", "comcast.net"]
ROLES = ["info", "sales", "support", "admin", "contact", "hello", "marketing", "billing", "noreply", "office", "hr",
         "jobs", "team", "help", "press"]
TYPOS = ["gmial.com", "gamil.com", "gmai.com", "gmail.con", "gmail.cmo", "gmail.co", "yaho.com", "yahooo.com",
         "hotmial.com", "hotmial.con", "hotmal.com", "outlok.com", "iclod.com", "gmail.comm"]
IDN = ["münchen.de", "bücher.de", "例え.jp", "пример.рф", "straße.de", "δοκιμή.gr", "xn--mnchen-3ya.de", "i❤.ws"]


def read_lines(name):
    with open(os.path.join(LISTS, name), encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def company(rng):
    return rng.choice(WORDS) + rng.choice(["", "", "-" + rng.choice(WORDS), rng.choice(WORDS)]) + "." + rng.choice(TLDS)


def person(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    return rng.choice([f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{f}", f"{f}.{l}{rng.randint(1, 99)}"])


def broken(rng):
    p, d = person(rng), company(rng)
    return rng.choice([
        p + d,                                   # no @
        f"{p}@@{d}", f"{p}@home@{d}",            # two @
        f"{p} x@{d}", f"{p}@{d} x",              # spaces
        f".{p}@{d}", f"{p}.@{d}", f"{p}..x@{d}",  # dots
        f"{p}@{d}.", f"{p}@.{d}", f"{p}@{d.replace('.', '..', 1)}",
        f"{p}@", f"@{d}", f"{p}@{d.split('.')[0]}",  # missing parts, no dot
        f"{p}@-{d}", f"{p}@{d.split('.')[0]}-.com",
        f"{p}@{d.split('.')[0]}_x.com", f"{p}@{d.split('.')[0]}!.com",
        f"{p}@192.168.0.{rng.randint(1, 254)}", f"{p}@{d.split('.')[0]}.123",
        "x" * 65 + f"@{d}", f"{p}@" + "a" * 64 + ".com", f"{p}@" + "b." * 130 + "com",
        f"<{p}@{d}>", f"{p},x@{d}", f"{p}(comment)@{d}", f"\"{p}@{d}",
        f"{p}@[300.1.1.1]", f"{p}@[IPv6:1::2::3]", f"{p}@xn--zz.com",
        f"{p}@example.com", f"{p}@shop.test", f"{p}@printer.local", f"{p}@localhost",
        "", " ",
    ])


def corpus(n, seed):
    rng = random.Random(seed)
    disposable = read_lines("disposable_email_blocklist.conf")
    out = []
    kinds = [("company", 45), ("free", 20), ("disposable", 5), ("role", 5), ("typo", 4), ("utf8", 2), ("idn", 2),
             ("quoted", 1), ("literal", 1), ("tag", 3), ("upper", 2), ("broken", 10)]
    names, weights = zip(*kinds)
    for _ in range(n):
        k = rng.choices(names, weights)[0]
        if k == "company": a = f"{person(rng)}@{company(rng)}"
        elif k == "free": a = f"{person(rng)}@{rng.choice(FREE)}"
        elif k == "disposable": a = f"{person(rng)}@{rng.choice(disposable)}"
        elif k == "role": a = f"{rng.choice(ROLES)}@{rng.choice([company(rng), rng.choice(FREE)])}"
        elif k == "typo": a = f"{person(rng)}@{rng.choice(TYPOS + [company(rng).rsplit('.', 1)[0] + '.' + rng.choice(['cmo', 'con', 'comm', 'ocm', 'nte', 'ogr'])])}"
        elif k == "utf8": a = f"{rng.choice(['josé', 'françois', 'jürgen', '李雷', 'δημήτρης', 'søren'])}@{company(rng)}"
        elif k == "idn": a = f"{person(rng)}@{rng.choice(IDN)}"
        elif k == "quoted": a = rng.choice([f'"{person(rng)} x"@{company(rng)}', f'"{person(rng)}"@{company(rng)}', f'"a\\"b"@{company(rng)}', f'"a@b"@{company(rng)}'])
        elif k == "literal": a = rng.choice([f"{person(rng)}@[192.0.2.{rng.randint(1, 254)}]", f"{person(rng)}@[IPv6:2001:db8::{rng.randint(1, 999)}]"])
        elif k == "tag": a = f"{person(rng)}+{rng.choice(['news', 'crm', 'x1'])}@{rng.choice([company(rng), 'gmail.com'])}"
        elif k == "upper": a = f"{person(rng).upper()}@{company(rng).upper()}"
        else: a = broken(rng)
        out.append(a)
    return out


def write_csv(path, addresses):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "Email", "Note"])
        for i, a in enumerate(addresses, start=1):
            w.writerow([i, a, "synthetic, seeded"])


def time_qualify(binary, csv_path, out_path, runs, workdir):
    env = dict(os.environ, QUALIFY_DATABASE=os.path.join(workdir, "bench.sqlite"))
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run([binary, "verify", csv_path, "--out", out_path], capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if p.returncode != 0:
            sys.exit(f"qualify verify failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return times, cpus, p.stdout


def time_email_validator(addresses, runs):
    from email_validator import validate_email, EmailNotValidError
    times, cpus, results = [], [], None
    for _ in range(runs):
        res = []
        t = time.perf_counter()
        c = time.process_time()
        for a in addresses:
            try:
                validate_email(a, check_deliverability=False)
                res.append(None)
            except EmailNotValidError as e:
                res.append(str(e))
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        results = res
    return times, cpus, results


def generic(message):
    """email-validator's message with the address-specific parts removed, to group by cause."""
    import re
    m = re.sub(r"'[^']*'", "'…'", message)
    m = re.sub(r"\d+", "N", m)
    m = re.sub(r"\(.*?\)", "(…)", m)
    return m.split(":")[0] if ": " in m and len(m) > 90 else m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addresses", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    candidates = [os.path.join(ROOT, d, "release", "qualify") for d in (".build-release-hyg", ".build-release", ".build")]
    ap.add_argument("--binary", default=next((c for c in candidates if os.path.exists(c)), candidates[0]))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary}: build it first: swift build -c release --product qualify --scratch-path .build-release-hyg")
    os.makedirs(OUT, exist_ok=True)
    addresses = corpus(args.addresses, args.seed)
    csv_path = os.path.join(OUT, f"verify-corpus-{args.addresses}-{args.seed}.csv")
    out_path = os.path.join(OUT, f"verify-result-{args.addresses}-{args.seed}.csv")
    write_csv(csv_path, addresses)
    with tempfile.TemporaryDirectory() as work:
        q_times, q_cpus, q_summary = time_qualify(args.binary, csv_path, out_path, args.runs, work)
    p_times, p_cpus, theirs = time_email_validator(addresses, args.runs)
    q_best, p_best = min(q_times), min(p_times)
    q_median, p_median = statistics.median(q_times), statistics.median(p_times)
    q_rate, p_rate = len(addresses) / q_best, len(addresses) / p_best
    q_cpu_rate, p_cpu_rate = len(addresses) / min(q_cpus), len(addresses) / min(p_cpus)

    # our verdicts, row by row (the output keeps the input's rows in order)
    ours = []
    with open(out_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ours.append((row["Email"], row["verdict"], row["reasons"]))
    if len(ours) != len(addresses):
        sys.exit(f"qualify wrote {len(ours)} rows for {len(addresses)} addresses")

    groups = collections.defaultdict(list)
    for (email, verdict, reasons), a, err in zip(ours, addresses, theirs):
        we_reject = verdict in ("invalid", "unknown")
        they_reject = err is not None
        if we_reject == they_reject:
            continue
        if we_reject:
            cause = f"ours invalid ({reasons}), email-validator accepts"
        else:
            cause = f"ours {verdict} ({reasons or '-'}), email-validator: {generic(err)}"
        groups[cause].append((a, err))
    report_path = os.path.join(OUT, f"verify-disagreements-{args.addresses}-{args.seed}.txt")
    with open(report_path, "w", encoding="utf-8") as f:
        for cause, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            f.write(f"## {cause}: {len(items)}\n")
            for a, err in items:
                f.write(f"{json.dumps(a, ensure_ascii=False)}\t{err or ''}\n")
            f.write("\n")

    counts = collections.Counter(v for _, v, _ in ours)
    print(f"corpus: {len(addresses)} addresses (seed {args.seed}) → {csv_path}")
    print(f"qualify verify (whole process, best of {args.runs}): {q_best:.3f} s → {q_rate:,.0f} addresses/s "
          f"(runs: {', '.join(f'{t:.3f}' for t in q_times)})")
    print(f"email-validator {__import__('email_validator').__version__} (check_deliverability=False, best of {args.runs}): "
          f"{p_best:.3f} s → {p_rate:,.0f} addresses/s")
    print(f"ratio (wall clock): {q_rate / p_rate:.1f}× (target ≥ 20×: {'met' if q_rate / p_rate >= 20 else 'NOT met'})")
    print(f"medians of {args.runs}: qualify {q_median:.3f} s → {len(addresses) / q_median:,.0f}/s, email-validator "
          f"{p_median:.3f} s → {len(addresses) / p_median:,.0f}/s (runs: {', '.join(f'{t:.3f}' for t in p_times)}) → "
          f"{p_median / q_median:.1f}×")
    print(f"per CPU-second (user+sys; qualify uses up to 3 threads, email-validator 1): qualify {q_cpu_rate:,.0f}/s, "
          f"email-validator {p_cpu_rate:,.0f}/s → {q_cpu_rate / p_cpu_rate:.1f}×")
    try:
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    except OSError:
        pass
    print("our verdicts: " + ", ".join(f"{k} {counts[k]}" for k in ("valid", "risky", "invalid", "unknown")))
    total = sum(len(v) for v in groups.values())
    print(f"syntax disagreements: {total} of {len(addresses)} ({100 * total / len(addresses):.2f} %) → {report_path}")
    for cause, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(items):7d}  {cause}   e.g. {json.dumps(items[0][0], ensure_ascii=False)}")
    print("qualify's summary:\n  " + q_summary.strip().replace("\n", "\n  "))


if __name__ == "__main__":
    main()
