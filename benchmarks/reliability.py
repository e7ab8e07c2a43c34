"""The reliability suite in its long mode, with the figures the README reports.

Runs the property/fuzz tests with ``KABAR_FUZZ_EXAMPLES`` cases per property (default 600,
over 10,000 generated cases in all), counts the cases Hypothesis actually ran (its statistics,
not the setting), then the SIGKILL, concurrency and security tests, and writes
``benchmarks/out/reliability.json``::

    python benchmarks/reliability.py [--examples 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

FUZZ_FILES = ["tests/test_fuzz_readers.py", "tests/test_reliability.py"]
CASES = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")
TEST_HEADER = re.compile(r"^(tests/\S+::\S+):$")
OUTCOME = re.compile(r"(\d+) (passed|failed|error|errors|skipped|xfailed)")


def pytest(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def outcomes(output: str) -> dict[str, int]:
    last = [line for line in output.splitlines() if " in " in line and "passed" in line]
    return {kind: int(n) for n, kind in OUTCOME.findall(last[-1])} if last else {}


def fuzz_cases(output: str) -> dict[str, dict[str, int]]:
    """Cases per property from ``--hypothesis-show-statistics`` (all phases summed)."""
    per_test: dict[str, dict[str, int]] = {}
    current = None
    for line in output.splitlines():
        header = TEST_HEADER.match(line.strip())
        if header:
            current = header.group(1).split("::")[-1]
            per_test.setdefault(current, {"passing": 0, "failing": 0, "invalid": 0})
            continue
        found = CASES.search(line)
        if found and current:
            for key, value in zip(("passing", "failing", "invalid"), found.groups(), strict=True):
                per_test[current][key] += int(value)
    return per_test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=600, help="cases per property")
    parser.add_argument("--rounds", type=int, default=3, help="concurrency rounds per client")
    args = parser.parse_args()

    result: dict[str, Any] = {"examples_setting": args.examples}
    code, out, seconds = pytest(
        [*FUZZ_FILES, "-k", "not sigkill", "--hypothesis-show-statistics"],
        {"KABAR_FUZZ_EXAMPLES": str(args.examples)},
    )
    cases = fuzz_cases(out)
    result["fuzz"] = {
        "exit_code": code,
        "seconds": round(seconds, 1),
        "properties": len(cases),
        "cases_passing": sum(c["passing"] for c in cases.values()),
        "cases_failing": sum(c["failing"] for c in cases.values()),
        "tests": outcomes(out),
        "per_property": cases,
    }
    print(json.dumps({k: v for k, v in result["fuzz"].items() if k != "per_property"}))
    for name, files, env in (
        ("sigkill", ["tests/test_reliability.py", "-k", "sigkill"], {}),
        (
            "concurrency",
            ["tests/test_concurrency.py"],
            {"KABAR_CONCURRENCY_ROUNDS": str(args.rounds)},
        ),
        ("security", ["tests/test_security.py"], {}),
    ):
        code, out, seconds = pytest(files, env)
        result[name] = {"exit_code": code, "seconds": round(seconds, 1), "tests": outcomes(out)}
        print(name, json.dumps(result[name]))
    print(common.write_result("reliability", result))


if __name__ == "__main__":
    main()
