#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py: the table of "make bench" from the guests' serial logs.

Each log holds one boot of tests/bench/guest-main.sh: "PTBENCH <key> ..."
lines, among them the benchmark kernel's label. Prints, per kernel and
configuration, the median ns per alloc+free pair and the spread over the
runs, the whole workload's guest time, the added cost over baseline and the
system slowdown, pagetrail's added cost as a ratio of page_owner's, and
bytes per page; writes the same as JSON.
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
          "sample16": "pagetrail sample=16",
          "page_owner": "page_owner=on"}
PT_CONFIGS = ("bare", "nohist", "both", "full", "last", "sample16")
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
        elif key == "kernel" and len(f) >= 3:
            run["kernel"] = f[2]
        elif key == "workload" and len(f) >= 4:
            run["workload_ns"] = int(f[3])
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
    if "workload_ns" not in run:
        run["errors"].append("no workload result")
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


def summarize(rs_by_cfg):
    """The figures of one kernel: per configuration, path and workload."""
    out = {}
    for cfg, rs in rs_by_cfg.items():
        c = {"runs": len(rs), "bytes_per_page": round(bytes_per_page(cfg, rs), 3)}
        for p in PATHS:
            v = [r["results"][p]["ns_per_pair"] for r in rs]
            c[p] = {"median": statistics.median(v), "min": min(v), "max": max(v),
                    "values": v}
        w = [r["workload_ns"] for r in rs]
        c["workload"] = {"median": statistics.median(w), "min": min(w),
                         "max": max(w), "values": w}
        growth = [r["depot_growth"] for r in rs if "depot_growth" in r]
        if growth:
            c["stackdepot_growth_bytes"] = statistics.median(growth)
        out[cfg] = c
    base, po = out.get("baseline"), out.get("page_owner")
    for cfg, c in out.items():
        if base and cfg != "baseline":
            c["added"] = {p: c[p]["median"] - base[p]["median"] for p in PATHS}
            c["workload_slowdown_pct"] = round(
                100.0 * (c["workload"]["median"] / base["workload"]["median"] - 1), 2)
    for cfg in PT_CONFIGS:
        c = out.get(cfg)
        if c and po and "added" in c and "added" in po:
            c["ratio_to_page_owner"] = {
                p: round(c["added"][p] / po["added"][p], 3)
                if po["added"][p] > 0 else None for p in PATHS}
            wpo = po["workload"]["median"] - base["workload"]["median"]
            wpt = c["workload"]["median"] - base["workload"]["median"]
            c["ratio_to_page_owner"]["workload"] = round(wpt / wpo, 3) if wpo > 0 else None
    steps = {}
    for what, cfg, over in STEPS:
        c, o = out.get(cfg), out.get(over)
        if c and o and "added" in c and "added" in o:
            steps[what] = {p: round(c["added"][p] / o["added"][p], 3)
                           if o["added"][p] > 0 else None for p in PATHS}
    return out, steps


def print_kernel(label, info, k, steps, a):
    ratio = lambda x: "%.2fx" % x if x is not None else "n/a"
    print()
    print("== %s: Linux %s %s, %s, %d vCPU, 1 GiB ==" %
          (label, info.get("release", "?"), info.get("arch", "?"),
           "generic KASAN" if label != "prod" else "no KASAN", a.smp))
    hdr = "%-44s" % "configuration" + "".join("%-22s" % p for p in PATHS + ["workload"]) + "bytes/page"
    print(hdr)
    print("-" * len(hdr))
    for cfg in ("baseline",) + PT_CONFIGS + ("page_owner",):
        c = k.get(cfg)
        if not c:
            continue
        row = "%-44s" % ("%s (%d runs)" % (LABELS.get(cfg, cfg), c["runs"]))
        for p in PATHS:
            row += "%-22s" % ("%d [%d..%d]" % (c[p]["median"], c[p]["min"], c[p]["max"]))
        row += "%-22s" % ("%.1f ms" % (c["workload"]["median"] / 1e6))
        row += "%.2f" % c["bytes_per_page"] if cfg != "baseline" else "0"
        print(row)
    if "baseline" not in k:
        return
    print()
    print("%-44s" % "added ns over baseline" + "".join("%-22s" % p for p in PATHS) + "system slowdown")
    for cfg in PT_CONFIGS + ("page_owner",):
        c = k.get(cfg)
        if c and "added" in c:
            print("%-44s" % LABELS[cfg] + "".join("%-22d" % c["added"][p] for p in PATHS) +
                  "%+.2f%%" % c["workload_slowdown_pct"])
    for cfg in PT_CONFIGS:
        c = k.get(cfg)
        if c and "ratio_to_page_owner" in c:
            r = c["ratio_to_page_owner"]
            print("%-44s" % ("%s / page_owner" % LABELS[cfg]) +
                  "".join("%-22s" % ratio(r[p]) for p in PATHS + ["workload"]))
    for what, cfg, over in STEPS:
        r = steps.get(what)
        if r:
            print("%-44s" % ("%s: %s / %s" % (what, cfg, over)) +
                  "".join("%-22s" % ("%.3fx" % r[p] if r[p] is not None else "n/a")
                          for p in PATHS))
    growth = {cfg: c["stackdepot_growth_bytes"] for cfg, c in k.items()
              if "stackdepot_growth_bytes" in c}
    if growth:
        print("stackdepot growth during the benchmark (bytes, shared with KASAN): " +
              ", ".join("%s %d" % (x, v) for x, v in growth.items()))


def main():
    ap = argparse.ArgumentParser()
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
    by_kernel = {}
    for r in runs:
        if r["errors"]:
            continue
        label, _, rest = r.get("kernel", "?::").partition(":")
        release, _, arch = rest.partition(":")
        k = by_kernel.setdefault(label, {"release": release, "arch": arch, "runs": {}})
        k["runs"].setdefault(r.get("config", "?"), []).append(r)

    out = {"qemu": "TCG -icount shift=0,sleep=off (1 guest ns = 1 instruction)",
           "vcpus": a.smp, "pairs_per_vcpu_and_path": a.pairs,
           "unit": "guest ns per alloc+free pair, all vCPUs together; "
                   "workload: guest ns for the whole pt_workload run",
           "kernels": {}}
    print()
    print("pagetrail benchmark. QEMU TCG with -icount shift=0,sleep=off: guest time")
    print("advances 1 ns per executed instruction, so the figures are instruction")
    print("counts and repeat. ns per alloc+free pair (bulk: per page); %d pairs per" % a.pairs)
    print("vCPU and path; median of the runs, [min..max] spread. workload: one run of")
    print("tests/tools/pt_workload (fork/exec, tmpfs page cache, pipes) in guest time.")
    for label, info in by_kernel.items():
        k, steps = summarize(info["runs"])
        out["kernels"][label] = {"release": info["release"], "arch": info["arch"],
                                 "configs": k, "steps": steps}
        print_kernel(label, info, k, steps, a)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)
    print()
    print("JSON: %s" % a.json)
    if bad or not by_kernel:
        print("bench: %d of %d runs failed" % (len(bad), len(runs)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
