"""Benchmark suite: `./dev bench [workload ...]`. Never part of the test command.

Prepares its own PostgreSQL database (BENCH_DATABASE_URL, default portal_bench), runs each workload, prints a
Markdown table and writes bench/results/latest.json.
"""

import argparse
import json
import os
import platform
import sys
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None) -> int:
    from bench import workloads

    parser = argparse.ArgumentParser(prog="./dev bench")
    parser.add_argument("workload", nargs="*", choices=[*workloads.ALL, []], help="default: all")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from bench.database import prepare_database

    national = os.environ.get("BENCH_SIZE") == "national"
    # The national workloads need every province's data: only when named, or with BENCH_SIZE=national.
    chosen = args.workload or [name for name in workloads.ALL if national or name not in workloads.NATIONAL]
    if national or workloads.NATIONAL & set(chosen):
        size = "national"
    else:
        size = "large" if workloads.LARGE & set(chosen) else "small"
    # The full national size takes about an hour to generate on a 2-core machine: a twentieth unless told.
    scale = float(os.environ.get("BENCH_SCALE", 0.05 if size == "national" else 1.0))
    prepare_database(size=size, scale=scale)
    rows = []
    for name in chosen:
        rows.extend(workloads.ALL[name]())
    _report(rows)
    return 0


def _report(rows):
    print("| workload | measure | project | reference | note |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        cells = [row["workload"], row["measure"], row["value"], row.get("reference", ""), row.get("note", "")]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "ran_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "rows": rows,
    }
    (RESULTS / "latest.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.exit(main())
