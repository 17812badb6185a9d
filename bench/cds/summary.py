"""bench/cds.sh's summary: the tables of bench/README.md from the wrk
outputs, and the verdict on issue 13's goal (with JWT verification, p99 under
50 ms at the fixed rate; the CDS Hooks budget is 500 ms).

usage: summary.py RUNS BENCH_JWT_OUTPUT RATE
RUNS: one line per wrk run: KIND AUTH SERVICE CONNECTIONS OUTPUT LOAD1
CPU_SECONDS (the service's user + system time over the run); a
fixed-rate run (KIND rate) also has OUTPUT.lat, its latencies in us (from
the scheduled time, from the sending), one pair a line.
Exit 1 when an answer was not 200, wrk saw socket errors, or the goal is
missed."""
import re
import sys

GOAL_MS = 50.0
BUDGET_MS = 500.0
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse(path):
    t = open(path).read()
    pct = {p: float(v) * UNIT[u]
           for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M)}
    cds = re.search(r"^cds: answers (\d+), not 200: (\d+), threads out of tokens: (\d+)", t, re.M)
    errors = re.search(r"Socket errors: (.*)", t)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)), "pct": pct,
            "n": int(re.search(r"^\s*(\d+) requests in", t, re.M).group(1)),
            "bad": int(cds.group(2)) if cds else -1, "short": int(cds.group(3)) if cds else -1,
            "errors": errors.group(1).strip() if errors else "none"}


def quantile(v, q):
    """Nearest rank on sorted v: the smallest value with at least q of them at or below it."""
    return v[min(len(v) - 1, max(0, int(-(-q * len(v) // 1)) - 1))]


runs = []
for line in open(sys.argv[1]):
    kind, auth, svc, conns, out, load1, cpu = line.split()
    r = parse(out)
    r.update(kind=kind, auth=auth, svc=svc, conns=int(conns), load=load1, cpu_us=float(cpu) * 1e6 / max(1, r["n"]))
    if kind == "rate":
        pairs = [tuple(float(x) / 1e3 for x in l.split()) for l in open(out + ".lat") if l.strip()]
        r["sched"] = sorted(p[0] for p in pairs)
        r["sent"] = sorted(p[1] for p in pairs)
    runs.append(r)
jwt = {k: float(v) for k, v, _ in (l.split() for l in open(sys.argv[2]) if l.strip())}
rate = float(sys.argv[3])

clean = all(r["bad"] == 0 and r["short"] == 0 and r["errors"] == "none" for r in runs)


def table(title, head, kind, cells):
    """A markdown table of the runs of one kind, after its title."""
    print(title)
    print()
    print("| request | auth | " + " | ".join(head) + " | not 200 | service CPU per request | load |")
    print("|---|---|" + "---|" * (len(head) + 3))
    for r in (r for r in runs if r["kind"] == kind):
        print("| %s | %s | %s | %d | %.0f us | %s |" % (r["svc"], r["auth"], " | ".join(cells(r)), r["bad"],
                                                       r["cpu_us"], r["load"]))
    print()


table("(a) maximum throughput (wrk -t2):", ("connections", "requests/s", "p50", "p99", "requests"), "max",
      lambda r: ("%d" % r["conns"], "%.0f" % r["rps"], "%.2f ms" % r["pct"]["50"], "%.2f ms" % r["pct"]["99"],
                 "%d" % r["n"]))
table("(b) fixed rate %.0f requests/s (wrk -t10 -c10, paced by delay()); latency in ms from the\n"
      "scheduled time of each request / from its sending (wrk's own figures are the latter):" % rate,
      ("achieved requests/s", "p50", "p90", "p99", "p99.9", "max"), "rate",
      lambda r: ["%.1f" % r["rps"]] + ["%.2f / %.2f" % (quantile(r["sched"], q), quantile(r["sent"], q))
                                       for q in (0.5, 0.9, 0.99, 0.999)]
      + ["%.1f / %.1f" % (r["sched"][-1], r["sent"][-1])])

for alg in ("es384", "rs384"):
    if alg + "_verify_us" in jwt:
        print("%s: mg_cds_auth_check alone %.0f us per token (CPU time %.0f us: ~%.0f/s on one free CPU); signing "
              "%.0f us; token %d bytes" % (alg.upper(), jwt[alg + "_verify_us"], jwt[alg + "_verify_cpu_us"],
                                           1e6 / jwt[alg + "_verify_cpu_us"], jwt[alg + "_sign_us"],
                                           jwt[alg + "_token_bytes"]))
by = {(r["kind"], r["auth"], r["svc"], r["conns"]): r for r in runs}
for (kind, auth, svc, c), r in sorted(by.items()):
    base = by.get((kind, "none", svc, c))
    if kind == "max" and auth != "none" and base:
        print("%s %s at %d connections: %.0f%% of the throughput without a token; service CPU %.0f us more per "
              "request (%.0f against %.0f): one free CPU would serve ~%.0f/s"
              % (svc, auth.upper(), c, 100 * r["rps"] / base["rps"], r["cpu_us"] - base["cpu_us"], r["cpu_us"],
                 base["cpu_us"], 1e6 / r["cpu_us"]))
print()

fail = not clean
for r in runs:
    if r["kind"] == "rate" and r["auth"] != "none":
        p99 = quantile(r["sched"], 0.99)
        met = p99 < GOAL_MS and r["rps"] >= 0.98 * rate and r["bad"] == 0 and r["short"] == 0
        print("goal, %s %s at %.0f/s (achieved %.1f/s): p99 %.2f ms from the schedule (%.2f ms from sending) "
              "< %.0f ms: %s" % (r["svc"], r["auth"].upper(), rate, r["rps"], p99, quantile(r["sent"], 0.99), GOAL_MS,
                                 "MET" if met else "MISSED"))
        fail |= not met
worst = max(r["pct"]["99"] for r in runs if r["kind"] == "max")
print("worst p99 at saturation %.2f ms: CDS Hooks budget ~%.0f ms  %s" % (worst, BUDGET_MS,
      "PASS" if worst < BUDGET_MS else "MISS"))
fail |= worst >= BUDGET_MS
print("every answer 200, no socket errors, tokens sufficed: %s" % ("yes" if clean else "NO"))
sys.exit(1 if fail else 0)
