"""Throughput of the NER tagger and of the `entities` stage on one core (CPU time).

    python benchmarks/ner_speed.py [--shared PATH]

Prints sentences/second of the shipped CRF on the NERGrit, NERP and idner test sentences
(features included, cold and warm word cache) and articles/second of the whole `entities`
stage (tagging, gazetteer, roles, canonical names) on the seed pages, every long line as text.
"""

from __future__ import annotations

import time

import click

from kabar.eval.common import shared_path
from kabar.eval.ner import measure_speed
from kabar.models import Article, Line, LineKind
from kabar.ner.data import load_split
from kabar.ner.tagger import DEFAULT_MODEL
from kabar.pipeline.entities import entities
from kabar.pipeline.registry import StageContext


@click.command()
@click.option("--shared", "shared_opt", default=None)
@click.option("--repeat", default=20, show_default=True, help="Passes over the seed pages.")
def main(shared_opt: str | None, repeat: int) -> None:
    shared = shared_path(shared_opt)
    root = shared / "data" / "ner"
    sents = [t for name in ("nergrit", "nerp", "idner") for t, _ in load_split(root, name, "test")]
    speed = measure_speed(DEFAULT_MODEL, sents)
    click.echo(
        f"tagger: {speed['cold']:.0f} sentences/s cold, {speed['warm']:.0f} warm "
        f"({len(sents)} sentences)"
    )
    pages = []
    for path in sorted((shared / "samples" / "seeds").glob("*.txt")):
        lines = [
            Line(index=i, text=t, kind=LineKind.BODY if len(t.split()) >= 8 else LineKind.UNKNOWN)
            for i, t in enumerate(path.read_text(encoding="utf-8").splitlines())
        ]
        pages.append(lines)
    ctx = StageContext()
    started = time.process_time()
    for _ in range(repeat):
        for i, lines in enumerate(pages):
            entities(Article(id=str(i), raw_id=str(i), origin="bench", lines=lines), ctx)
    seconds = time.process_time() - started
    click.echo(
        f"entities stage: {repeat * len(pages) / seconds:.0f} articles/s "
        f"({repeat * len(pages)} seed-page runs)"
    )


if __name__ == "__main__":
    main()
