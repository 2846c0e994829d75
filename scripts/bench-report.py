#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py: the table of "make bench" from the guests' serial logs.

Each log holds one boot of tests/bench/guest-main.sh: "PTBENCH <key> ..."
lines. Prints, per configuration, the median ns per alloc+free pair and the
spread over the runs, the added cost over baseline, pagetrail's added cost
as a ratio of page_owner's, and bytes per page; writes the same as JSON.
Exits non-zero when a run failed or logged a kernel splat.
"""
import argparse
import json
import re
import statistics
import sys

PATHS = ["order0", "order3", "bulk", "deep"]
LABELS = {"baseline": "baseline (no tracking)",
          "bare": "mode=both history=0 stacks=0",
          "nohist": "mode=both history=0",
          "both": "pagetrail mode=both (default)",
          "full": "pagetrail mode=full",
          "last": "pagetrail mode=last",
          "page_owner": "page_owner=on"}
PT_CONFIGS = ("bare", "nohist", "both", "full", "last")
# (what, over what): the added cost of one feature, as a ratio.
STEPS = (("stack counts", "nohist", "bare"), ("history", "both", "nohist"),
         ("full over both", "full", "both"))
SPLAT = re.compile(r"BUG:|WARNING:|Oops|general protection fault|"
                   r"possible (circular|recursive) locking|"
                   r"sleeping function called from invalid context")


def parse_log(path):
    run = {"log": path, "results": {}, "stats": {}, "errors": []}
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    if not any("PAGETRAIL-GUEST-DONE" in l for l in lines):
        run["errors"].append("guest did not finish")
    for line in lines:
        if SPLAT.search(line) and not line.startswith("PTBENCH"):
            run["errors"].append("kernel splat: " + line.strip())
        if not line.startswith("PTBENCH "):
            continue
        f = line.split()
        key = f[1]
        if key == "config":
            run["config"] = f[2]
        elif key == "result" and len(f) >= 3:
            kv = dict(x.split("=", 1) for x in f[3:] if "=" in x)
            run["results"][f[2]] = {k: int(v) for k, v in kv.items()}
        elif key == "stats" and len(f) >= 4:
            run["stats"][f[2].rstrip(":")] = f[3]
        elif key == "page_ext_bytes":
            run["page_ext_bytes"] = int(f[2])
        elif key == "memory_blocks":
            run["covered_pages"] = int(f[2]) * int(f[3], 16) // 4096
        elif key == "depot_bytes":
            run["depot_growth"] = int(f[3]) - int(f[2])
        elif key == "error":
            run["errors"].append(" ".join(f[2:]))
    for p in PATHS:
        if p not in run["results"]:
            run["errors"].append("no result for " + p)
    return run


def bytes_per_page(cfg, runs):
    r = runs[0]
    if cfg in PT_CONFIGS and r["stats"].get("pages_covered"):
        # everything: table, history, task table, stack counts
        total = r["stats"].get("total_bytes", r["stats"]["table_bytes"])
        return int(total) / int(r["stats"]["pages_covered"])
    if cfg == "page_owner" and r.get("page_ext_bytes") and r.get("covered_pages"):
        return r["page_ext_bytes"] / r["covered_pages"]
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="?")
    ap.add_argument("--pairs", type=int, default=0)
    ap.add_argument("--smp", type=int, default=0)
    ap.add_argument("--json", required=True)
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()

    runs = [parse_log(p) for p in a.logs]
    bad = [r for r in runs if r["errors"]]
    for r in bad:
        for e in r["errors"]:
            print("bench: %s: %s" % (r["log"], e), file=sys.stderr)
    by_cfg = {}
    for r in runs:
        if not r["errors"]:
            by_cfg.setdefault(r.get("config", "?"), []).append(r)

    out = {"kernel": a.kernel, "arch": "x86_64", "kasan": "generic",
           "qemu": "TCG -icount shift=0,sleep=off (1 guest ns = 1 instruction)",
           "vcpus": a.smp, "pairs_per_vcpu_and_path": a.pairs,
           "unit": "guest ns per alloc+free pair, all vCPUs together",
           "configs": {}}
    for cfg, rs in by_cfg.items():
        c = {"runs": len(rs), "bytes_per_page": round(bytes_per_page(cfg, rs), 3)}
        for p in PATHS:
            v = [r["results"][p]["ns_per_pair"] for r in rs]
            c[p] = {"median": statistics.median(v), "min": min(v), "max": max(v),
                    "values": v}
        growth = [r["depot_growth"] for r in rs if "depot_growth" in r]
        if growth:
            c["stackdepot_growth_bytes"] = statistics.median(growth)
        out["configs"][cfg] = c

    base = out["configs"].get("baseline")
    po = out["configs"].get("page_owner")
    for cfg, c in out["configs"].items():
        if base and cfg != "baseline":
            c["added"] = {p: c[p]["median"] - base[p]["median"] for p in PATHS}
    for cfg in PT_CONFIGS:
        c = out["configs"].get(cfg)
        if c and po and "added" in c and "added" in po:
            c["ratio_to_page_owner"] = {
                p: round(c["added"][p] / po["added"][p], 3)
                if po["added"][p] > 0 else None for p in PATHS}

    print()
    print("pagetrail benchmark: Linux %s x86_64, KASAN generic, %d vCPUs, 1 GiB" %
          (a.kernel, a.smp))
    print("QEMU TCG with -icount shift=0,sleep=off: guest time advances 1 ns per")
    print("executed instruction, so the figures are instruction counts and repeat.")
    print("ns per alloc+free pair (bulk: per page), all vCPUs together; %d pairs" % a.pairs)
    print("per vCPU and path; median of the runs, [min..max] spread.")
    print()
    out["steps"] = {}
    for what, cfg, over in STEPS:
        c, o = out["configs"].get(cfg), out["configs"].get(over)
        if c and o and "added" in c and "added" in o:
            out["steps"][what] = {
                p: round(c["added"][p] / o["added"][p], 3)
                if o["added"][p] > 0 else None for p in PATHS}
    hdr = "%-36s" % "configuration" + "".join("%-22s" % p for p in PATHS) + "bytes/page"
    print(hdr)
    print("-" * len(hdr))
    for cfg in ("baseline",) + PT_CONFIGS + ("page_owner",):
        c = out["configs"].get(cfg)
        if not c:
            continue
        row = "%-36s" % ("%s (%d runs)" % (LABELS.get(cfg, cfg), c["runs"]))
        for p in PATHS:
            row += "%-22s" % ("%d [%d..%d]" % (c[p]["median"], c[p]["min"], c[p]["max"]))
        row += "%.2f" % c["bytes_per_page"] if cfg != "baseline" else "0"
        print(row)
    if base:
        print()
        print("%-36s" % "added ns over baseline" + "".join("%-22s" % p for p in PATHS))
        for cfg in PT_CONFIGS + ("page_owner",):
            c = out["configs"].get(cfg)
            if c and "added" in c:
                print("%-36s" % LABELS[cfg] +
                      "".join("%-22d" % c["added"][p] for p in PATHS))
    for cfg in PT_CONFIGS:
        c = out["configs"].get(cfg)
        if c and "ratio_to_page_owner" in c:
            print("%-36s" % ("%s / page_owner" % LABELS[cfg]) +
                  "".join("%-22s" % ("%.2fx" % c["ratio_to_page_owner"][p]
                                     if c["ratio_to_page_owner"][p] is not None
                                     else "n/a") for p in PATHS))
    for what, cfg, over in STEPS:
        r = out["steps"].get(what)
        if r:
            print("%-36s" % ("%s: %s / %s" % (what, cfg, over)) +
                  "".join("%-22s" % ("%.3fx" % r[p] if r[p] is not None
                                     else "n/a") for p in PATHS))
    growth = {cfg: c["stackdepot_growth_bytes"] for cfg, c in out["configs"].items()
              if "stackdepot_growth_bytes" in c}
    if growth:
        print()
        print("stackdepot growth during the benchmark (bytes, shared with KASAN): " +
              ", ".join("%s %d" % (k, v) for k, v in growth.items()))
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)
    print()
    print("JSON: %s" % a.json)
    if bad or not out["configs"]:
        print("bench: %d of %d runs failed" % (len(bad), len(runs)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
