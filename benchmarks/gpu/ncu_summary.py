#!/usr/bin/env python3
"""Summarises an Nsight Compute CSV (ncu --csv --metrics gpu__time_duration.sum[,dram__bytes_read.sum,
dram__bytes_write.sum]) as a markdown table, for benchmarks/gpu/run-on-device.sh's profile stage.

  ncu_summary.py launches FILE   one row per kernel name: launches, median µs and, with the DRAM metrics, the median
                                 achieved GB/s (bytes read + written over the kernel's time)
  ncu_summary.py step FILE [MIN] the last training step of a repeated loop: the shortest period p of at least MIN
                                 launches (default 20, so that a run of identical layers inside a step is not taken for
                                 the step) such that the last three runs of p launches have the same kernel names in
                                 the same order; one row per kernel name of that step (launches, total µs, share),
                                 heaviest first, and the step's sum

Kernel names are shortened to their first 90 characters (C++ templates make them long)."""
import csv
import statistics
import sys


def launches(path):
    """[(id, name, {metric: value})] in launch order, from ncu's CSV (its ==PROF== lines skipped)."""
    with open(path, newline="") as f:
        rows = [line for line in f if line.startswith('"')]
    by_id = {}
    reader = csv.DictReader(rows)
    name_column = next((c for c in ("Kernel Name", "Function Name") if c in (reader.fieldnames or [])), None)
    if name_column is None or "Metric Value" not in reader.fieldnames:
        sys.exit(f"ncu_summary.py: {path} has no kernel-name or metric-value column: {reader.fieldnames}")
    for r in reader:
        value = r["Metric Value"].replace(",", "")
        unit = r["Metric Unit"]
        try:
            v = float(value)
        except ValueError:
            continue
        scale = {"nsecond": 1e-3, "usecond": 1.0, "msecond": 1e3, "second": 1e6,
                 "byte": 1.0, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9}.get(unit, 1.0)
        key = int(r["ID"])
        entry = by_id.setdefault(key, (r[name_column], {}))
        entry[1][r["Metric Name"]] = v * scale  # µs for durations, bytes for DRAM
    return [(k, name, m) for k, (name, m) in sorted(by_id.items())]


def short(name):
    return name if len(name) <= 90 else name[:87] + "..."


def per_launch(rows):
    names = {}
    for _, name, m in rows:
        names.setdefault(name, []).append(m)
    print("| kernel | launches | median µs | median GB/s (DRAM read + write) |")
    print("|---|---|---|---|")
    for name, ms in names.items():
        us = statistics.median(m.get("gpu__time_duration.sum", float("nan")) for m in ms)
        if all("dram__bytes_read.sum" in m and "dram__bytes_write.sum" in m for m in ms):
            gbs = statistics.median((m["dram__bytes_read.sum"] + m["dram__bytes_write.sum"])
                                    / (m["gpu__time_duration.sum"] * 1e3) for m in ms)
            rate = f"{gbs:.1f}"
        else:
            rate = "–"
        print(f"| `{short(name)}` | {len(ms)} | {us:.1f} | {rate} |")


def period(names, shortest):
    """The shortest p >= shortest with names[-p:] == names[-2p:-p] == names[-3p:-2p], or None."""
    for p in range(shortest, len(names) // 3 + 1):
        if names[-p:] == names[-2 * p:-p] == names[-3 * p:-2 * p]:
            return p
    return None


def last_step(rows, shortest):
    names = [name for _, name, _ in rows]
    p = period(names, shortest)
    if p is None:
        sys.exit(f"ncu_summary.py: no repeating step in the last launches of {len(names)}; profile more steps")
    step = rows[-p:]
    total = sum(m.get("gpu__time_duration.sum", 0.0) for _, _, m in step)
    per = {}
    for _, name, m in step:
        n, us = per.get(name, (0, 0.0))
        per[name] = (n + 1, us + m.get("gpu__time_duration.sum", 0.0))
    print(f"One step: {p} kernel launches, {total:.1f} µs of GPU time (caches flushed between kernels by ncu).")
    print()
    print("| kernel | launches | µs | share |")
    print("|---|---|---|---|")
    for name, (n, us) in sorted(per.items(), key=lambda kv: -kv[1][1]):
        print(f"| `{short(name)}` | {n} | {us:.1f} | {100 * us / total:.1f}% |")


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("launches", "step"):
        sys.exit("usage: ncu_summary.py launches NCU_CSV | ncu_summary.py step NCU_CSV [MIN]")
    rows = launches(sys.argv[2])
    if not rows:
        sys.exit(f"ncu_summary.py: no kernel rows in {sys.argv[2]}")
    if sys.argv[1] == "launches":
        per_launch(rows)
    else:
        last_step(rows, int(sys.argv[3]) if len(sys.argv) == 4 else 20)


if __name__ == "__main__":
    main()
