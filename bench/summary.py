#!/usr/bin/env python3
"""Print bench records (bench/results/*.json) as Markdown tables, e.g. to compare two commits.

python bench/summary.py bench/results/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def mib(value: float | None) -> str:
    return "-" if value is None else f"{value / 1024**2:.0f} MiB"


def ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}× faster" if value >= 1 else f"{1 / value:.1f}× slower"


def render(path: Path) -> str:
    record = json.loads(path.read_text(encoding="utf-8"))
    config, machine, git = record["config"], record["machine"], record["git"]
    targets: dict[str, list[dict]] = {}
    for target in record["targets"]:
        targets.setdefault(target["measurement"], []).append(target)
    lines = [
        f"### N = {config['services']} — {git.get('short') or '?'}{' (dirty)' if git.get('dirty') else ''}, {record['date']}",
        "",
        f"{machine['cpu_count']} CPUs ({machine.get('cpu_model') or 'unknown'}), Python {machine['python']}, Node {machine['node'].lstrip('v')},"
        f" Prisma {machine['prisma']}; median of {config['repeat']} runs (ours), {config['seed_repeat']} (seed loops);"
        f" load average at the end {machine.get('load_average_at_end')}. Record: `{path.as_posix()}`",
        "",
        "| measurement | median s | min–max s | vs seed loop | peak memory | failures | target | result |",
        "|---|---:|---:|---|---:|---:|---|---|",
    ]
    for m in record["measurements"]:
        rows = targets.get(m["name"]) or [None]
        for index, target in enumerate(rows):
            head = index == 0
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{m['name']}`" if head else "",
                        f"{m['median_seconds']:.2f}" if head else "",
                        f"{m['min_seconds']:.2f}–{m['max_seconds']:.2f}" if head else "",
                        ratio(m["ratio_vs_seed"]) if head else "",
                        mib(m["peak_rss_bytes"]) if head else "",
                        str(m["failures"]) if head else "",
                        target["target"] if target else "",
                        (f"**{target['status']}**" if target["status"] != "n/a" else f"n/a ({target.get('note', '')})") if target else "",
                    ]
                )
                + " |"
            )
    for skipped in record.get("skipped", []):
        lines.append(f"\nskipped `{skipped['measurement']}`: {skipped['reason']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    print("\n".join(render(Path(arg)) for arg in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
