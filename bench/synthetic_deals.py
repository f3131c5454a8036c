#!/usr/bin/env python3
"""A second data set for bench/predict.py, made up so that additive models fall short: a campaign's calls to people,
with effects that bend (age is U-shaped, balance saturates), an interaction (a housing loan matters only under 40),
seasonal months written in mixed case, missing values, and a column known only after the outcome (the call's
duration). Not real data and not a tuning target: a check that the boosted learner earns its place where trees do
better, and that the leakage warning names `duration`.

Usage: python3 bench/synthetic_deals.py --rows 20000 --seed 1 --out bench/out/predict/deals.csv [--no-duration]
"""
import argparse, csv, math, os, random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "predict", "deals.csv"))
    ap.add_argument("--no-duration", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    season = {"mar": 1.2, "sep": 1.0, "oct": 1.1, "dec": 0.9, "may": -0.6, "jul": -0.3}
    jobs = ["admin.", "blue-collar", "technician", "services", "management", "retired", "student", "self-employed",
            "entrepreneur", "unemployed"]
    job_effect = {"retired": 0.7, "student": 0.9, "blue-collar": -0.4, "entrepreneur": -0.2}
    header = ["id", "age", "job", "balance", "housing", "month", "campaign", "pdays", "poutcome"]
    if not args.no_duration:
        header.append("duration")
    header.append("y")
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in range(args.rows):
            age = int(min(max(rng.gauss(41, 11), 18), 95))
            job = "retired" if age > 62 and rng.random() < 0.7 else "student" if age < 25 and rng.random() < 0.5 else rng.choice(jobs)
            balance = int(rng.lognormvariate(6.5, 1.6) - 300)
            housing = "yes" if rng.random() < 0.55 else "no"
            month = rng.choices(months, weights=[3, 5, 2, 6, 20, 12, 14, 13, 2, 3, 9, 1])[0]
            campaign = 1 + int(rng.expovariate(0.45))
            contacted = rng.random() < 0.18
            pdays = int(rng.uniform(1, 400)) if contacted else 999
            poutcome = rng.choice(["success", "failure", "other"]) if contacted else "nonexistent"
            z = -2.6
            z += 0.0022 * (age - 45) ** 2 - 0.4                      # U-shaped
            z += 0.9 * math.tanh(max(balance, -2000) / 1500)          # saturates
            z += (-0.9 if housing == "yes" else 0.3) if age < 40 else 0  # interaction
            z += season.get(month, 0) + job_effect.get(job, 0)
            z += -0.25 * min(campaign, 8)
            z += {"success": 2.2, "failure": -0.2, "other": 0.3}.get(poutcome, 0)
            z += 0.8 if contacted and pdays < 120 else 0
            yes = rng.random() < 1 / (1 + math.exp(-z))
            row = [f"C{100000 + i}", age, job, balance if rng.random() > 0.04 else "", housing,
                   month.upper() if rng.random() < 0.2 else month.capitalize() if rng.random() < 0.3 else month,
                   campaign, pdays, poutcome]
            if not args.no_duration:
                row.append(int(rng.lognormvariate(5.3, 0.6) * (2.1 if yes else 1)))
            row.append("yes" if yes else "no")
            w.writerow(row)
    print(args.out)


if __name__ == "__main__":
    main()
