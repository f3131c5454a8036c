#!/usr/bin/env python3
"""Recomputes `qualify funnel` from the stage history it exports, independently, and compares every figure.

  qualify funnel --database D --by lead_source --to 2026-12-01 --history history.csv --format json > funnel.json
  python3 bench/funnel_check.py history.csv funnel.json [--from 2026-06-01]

history.csv has one row per stage move (lead, arrived_at, group, from, to, at, reason; ISO-8601 UTC) and one row
with empty from/to for a lead without moves. The definitions are the documented ones (README, "Funnel"); this file
implements them again with pandas-free Python so a slip in either shows up as a difference. Exit status 1 on any.
"""
import csv, json, math, sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone

FUNNEL = ["new", "iql", "mql", "sql", "opportunity", "customer"]
ACTIONS = ["recycle", "disqualify", "accept", "reject", "win", "lose"]


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def nearest_rank(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(max(math.ceil(q * len(v)), 1), len(v)) - 1]


def wilson(successes, trials):
    """The share and its 95 % Wilson score interval (None without trials)."""
    if trials == 0:
        return None, None, None
    z = 1.959963984540054
    p = successes / trials
    d = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / d
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / d
    return p, max(0.0, centre - half), min(1.0, centre + half)


def parse_reason(reason):
    for a in sorted(ACTIONS, key=len, reverse=True):
        if reason.startswith(a + ":"):
            return a, None
        if reason.startswith(a + " [") and "]" in reason:
            return a, reason[len(a) + 2:reason.index("]")] or None
    return "other", None


def main():
    history, report_path = sys.argv[1], sys.argv[2]
    report = json.load(open(report_path))
    start = ts(report["from"]) if report.get("from") else None
    end = ts(report["to"])
    horizons = report["horizons"]
    leads = {}
    with open(history, newline="") as f:
        for row in csv.DictReader(f):
            lead = leads.setdefault(row["lead"], {"arrived": ts(row["arrived_at"]), "group": row["group"], "moves": []})
            if row["to"]:
                lead["moves"].append((ts(row["at"]), row["from"], row["to"], row["reason"]))

    def in_window(t):
        return (start is None or t >= start) and t < end

    entered = defaultdict(int); further = defaultdict(int); stays = defaultdict(list); open_ = defaultdict(list)
    exits = defaultdict(int); arrivals = 0
    cohorts = defaultdict(lambda: {"n": 0, "sql": [0] * len(horizons), "cust": [0] * len(horizons)})
    groups = defaultdict(lambda: [0] * len(FUNNEL))
    for lead in leads.values():
        if lead["arrived"] >= end:
            continue
        moves = sorted([m for m in lead["moves"] if m[0] < end], key=lambda m: m[0])
        timeline = [("new", lead["arrived"])] + [(m[2], m[0]) for m in moves]
        timeline.sort(key=lambda e: e[1])
        for s, stage in enumerate(FUNNEL):
            first = True
            for i, (st, at) in enumerate(timeline):
                if st != stage or not in_window(at):
                    continue
                if first:
                    first = False
                    entered[stage] += 1
                    if any(FUNNEL.index(x) > s for x, _ in timeline[i + 1:] if x in FUNNEL):
                        further[stage] += 1
                if i + 1 < len(timeline):
                    stays[stage].append((timeline[i + 1][1] - at).total_seconds() / 86400)
                else:
                    open_[stage].append((end - at).total_seconds() / 86400)
        for at, frm, to, reason in moves:
            if to in ("recycled", "disqualified") and in_window(at):
                action, code = parse_reason(reason)
                exits[(to, action, code)] += 1
        if not in_window(lead["arrived"]):
            continue
        arrivals += 1
        reached = [None] * len(FUNNEL)
        for st, at in timeline:
            if st in FUNNEL:
                for s in range(FUNNEL.index(st) + 1):
                    if reached[s] is None:
                        reached[s] = at
        c = cohorts[lead["arrived"].strftime("%Y-%m")]
        c["n"] += 1
        for h, days in enumerate(horizons):
            limit = lead["arrived"] + timedelta(days=days)
            if reached[3] is not None and reached[3] <= limit:
                c["sql"][h] += 1
            if reached[5] is not None and reached[5] <= limit:
                c["cust"][h] += 1
        g = groups[lead["group"] or "(none)"]
        g[0] += 1
        for s in range(1, len(FUNNEL)):
            if reached[s] is not None:
                g[s] += 1

    problems = []

    def same(what, ours, theirs, tol=1e-6):
        if ours is None or theirs is None:
            ok = ours is None and theirs is None
        elif isinstance(ours, float) or isinstance(theirs, float):
            ok = abs(ours - theirs) <= tol
        else:
            ok = ours == theirs
        if not ok:
            problems.append(f"{what}: recomputed {ours!r}, qualify {theirs!r}")

    def same_share(what, successes, trials, share):
        """Every field of a share: counts, rate and the interval."""
        if share is None:
            problems.append(f"{what}: recomputed {successes}/{trials}, qualify has no share")
            return
        same(what + " successes", successes, share["successes"])
        same(what + " trials", trials, share["trials"])
        for name, value in zip(("rate", "low", "high"), wilson(successes, trials)):
            same(f"{what} {name}", value, share.get(name), tol=1e-9)

    same("arrivals", arrivals, report["arrivals"])
    for row in report["stages"]:
        st = row["stage"]
        p90 = nearest_rank(stays[st], 0.9)
        same(f"{st} entered", entered[st], row["entered"])
        same_share(f"{st} went further", further[st], entered[st], row["advanced"])
        same(f"{st} finished stays", len(stays[st]), row["finishedStays"])
        same(f"{st} median days", nearest_rank(stays[st], 0.5), row.get("medianDays"))
        same(f"{st} p90 days", p90, row.get("p90Days"))
        same(f"{st} still there", len(open_[st]), row["stillThere"])
        same(f"{st} stalled", sum(1 for a in open_[st] if p90 is not None and a > p90), row["stalled"])
    theirs = {(e["to"], e["action"], e.get("code")): e["count"] for e in report["exits"]}
    same("exits", dict(exits), theirs)
    for row in report["cohorts"]:
        c = cohorts.get(row["month"])
        if c is None:
            problems.append(f"cohort {row['month']}: qualify has it, the recomputation has no arrival that month")
            continue
        same(f"cohort {row['month']} arrivals", c["n"], row["arrivals"])
        y, m = map(int, row["month"].split("-"))
        month_end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=timezone.utc)
        for h, days in enumerate(horizons):
            passed = month_end + timedelta(days=days) <= end
            for key, name in (("sql", "reachedSQL"), ("cust", "reachedCustomer")):
                share = row[name][h]
                what = f"cohort {row['month']} {key} ≤ {days}d"
                if passed:
                    same_share(what, c[key][h], c["n"], share)
                elif share is not None:
                    problems.append(f"{what}: the horizon has not passed, yet qualify gives a share")
    same("cohort months", sorted(cohorts), [r["month"] for r in report["cohorts"]])
    for row in report.get("groups", []):
        g = groups.get(row["value"])
        if g is None:
            problems.append(f"group {row['value']!r}: qualify has it, the recomputation does not")
            continue
        same(f"group {row['value']} arrivals", g[0], row["arrivals"])
        for s, share in zip(range(1, len(FUNNEL)), row["reached"]):
            same(f"group {row['value']} reached {FUNNEL[s]} stage", FUNNEL[s], share["stage"])
            same_share(f"group {row['value']} reached {FUNNEL[s]}", g[s], g[0], share["share"])
    if report.get("groupedBy"):
        same("group values", sorted(groups), sorted(r["value"] for r in report["groups"]))

    print(f"{len(leads)} leads, {sum(len(l['moves']) for l in leads.values())} moves read from {history}; "
          f"{arrivals} arrivals in the window; {len(report['stages'])} stages, {len(report['exits'])} exit kinds, "
          f"{len(report['cohorts'])} cohorts, {len(report.get('groups', []))} groups compared")
    if problems:
        print(f"{len(problems)} differences:")
        for p in problems[:50]:
            print("  " + p)
        sys.exit(1)
    print("every figure agrees")


if __name__ == "__main__":
    main()
