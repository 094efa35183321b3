#!/usr/bin/env python3
"""Writes a synthetic sales ledger for the seed plan, for timing `commission run`.

    python3 bench/gen_ledger.py ROWS OUT_DIR [MANAGERS]   # e.g. 1000000 /tmp/bench

Deterministic (fixed seed): 500 managers (or MANAGERS), 2026-01..2026-12, amounts
100.00-60,000.00, kinds new/renewal/upsell 55/30/15, plus one survey row per manager per
quarter.
"""
import os
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
os.makedirs(out, exist_ok=True)
rng = random.Random(42)
managers = [f"AM{i:04d}" for i in range(count)]
kinds = ["new"] * 11 + ["renewal"] * 6 + ["upsell"] * 3
business = ["mobile", "broadband", "iot", "cloud", "ict"]
segments = ["consumer", "sme", "enterprise", "government"]
with open(os.path.join(out, "sales.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("id,date,manager,customer,kind,business,segment,amount\n")
    for i in range(rows):
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        cents = rng.randint(10_000, 6_000_000)
        f.write(
            f"S{i:09d},2026-{month:02d}-{day:02d},{rng.choice(managers)},C{rng.randint(0, 99999):05d},"
            f"{rng.choice(kinds)},{rng.choice(business)},{rng.choice(segments)},{cents // 100}.{cents % 100:02d}\n"
        )
with open(os.path.join(out, "surveys.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("manager,quarter,satisfaction\n")
    for m in managers:
        for q in range(1, 5):
            f.write(f"{m},2026-Q{q},{rng.randint(600, 1000) / 10}%\n")
