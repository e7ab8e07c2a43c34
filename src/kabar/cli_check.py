"""``kabar check``: integrity of the store, with a repair option."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from kabar.cli import EXIT_ERROR, EXIT_OK, console, print_json, with_store
from kabar.store.base import Store


@click.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed (orphans, search index).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_store
def check(repair: bool, as_json: bool, store: Store) -> None:
    """Check the store: database integrity, counts, orphan rows, search index in sync."""
    problems = store.check(repair=repair)
    remaining = store.check() if repair and problems else problems
    counts = {k: v for k, v in vars(store.stats()).items() if k != "extra"}
    if as_json:
        print_json({"counts": counts, "problems": problems, "remaining": remaining})
    else:
        console.print(", ".join(f"{k} {v}" for k, v in counts.items()))
        for p in problems:
            fixed = repair and p not in remaining
            console.print(
                f"[{'green' if fixed else 'red'}]{'fixed' if fixed else 'problem'}[/]: {escape(p)}"
            )
        if not problems:
            console.print("[green]ok[/green]: no problems found")
    sys.exit(EXIT_ERROR if remaining else EXIT_OK)


COMMANDS = [check]
