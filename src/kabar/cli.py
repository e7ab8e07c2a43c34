"""The ``kabar`` command line: a thin shell over the library.

Exit codes: 0 ok, 1 error, 2 usage, 3 partial (some inputs rejected, listed with reasons).
Every listing command takes ``--json``. Feature modules add commands through
``kabar.cli_<feature>`` modules exposing ``COMMANDS``.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import kabar
from kabar.models import Article, Rejection
from kabar.store.base import ArticleFilter, Store, open_store

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
DEFAULT_DB = "sqlite:///kabar.db"

console = Console()
err_console = Console(stderr=True)


class KabarError(click.ClickException):
    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        err_console.print(f"[red]error:[/red] {escape(self.message)}")


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_url",
        envvar="KABAR_DB",
        default=DEFAULT_DB,
        show_default=True,
        help="Store URL: sqlite:///path.db or postgresql://…",
    )(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def with_store(func: Callable[..., Any]) -> Callable[..., Any]:
    """Open the store named by ``--db`` (migrated), pass it as ``store``, close it after."""

    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str, **kwargs: Any) -> Any:
        try:
            store = open_store(db_url)
            store.migrate()
        except Exception as exc:
            raise KabarError(f"cannot open store {db_url}: {exc}") from exc
        with store:
            return func(*args, store=store, **kwargs)

    return db_option(wrapper)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def article_summary(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "published": a.published.value.isoformat() if a.published else None,
        "language": a.language,
        "story_id": a.story_id,
        "url": a.url,
        "origin": a.origin,
        "warnings": a.warnings,
    }


def report_rejections(rejected: Iterable[Rejection]) -> int:
    rejected = list(rejected)
    for r in rejected:
        err_console.print(f"[yellow]rejected[/yellow] {escape(r.origin)}: {escape(r.reason)}")
    return len(rejected)


class EvalGroup(click.Group):
    """``kabar eval <task>``: each task lives in ``kabar.eval.<task>`` as ``command``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        import kabar.eval as pkg

        return sorted(
            m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name not in {"common", "data"}
        )

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"kabar.eval.{name}")
        return getattr(module, "command", None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kabar.__version__, prog_name="kabar")
def cli() -> None:
    """kabar: news intelligence for Indonesian (and English) media."""


@cli.group(cls=EvalGroup)
def eval() -> None:
    """Measure a capability against its benchmark and the published anchors."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--analyze/--no-analyze", "then_analyze", default=False, help="Run the pipeline after."
)
@click.option("--workers", default=1, show_default=True, help="Worker processes for --analyze.")
@with_store
def ingest(paths: tuple[Path, ...], then_analyze: bool, workers: int, store: Store) -> None:
    """Store raw pages from files or directories (text dumps, HTML, JSONL, WARC, RSS).

    Each input is kept raw with its sha256 and origin; inputs already stored are skipped.
    """
    from kabar.ingest import read_sources

    stored = skipped = 0
    rejected: list[Rejection] = []
    batch: list[Any] = []

    def flush() -> None:
        nonlocal stored, skipped
        if batch:
            fresh = store.put_raw(batch)
            stored += sum(fresh)
            skipped += len(fresh) - sum(fresh)
            batch.clear()

    with progress_bar() as bar:
        task = bar.add_task("ingest", total=None)
        for item in read_sources(paths):
            if isinstance(item, Rejection):
                rejected.append(item)
            else:
                batch.append(item)
                if len(batch) >= 200:
                    flush()
            bar.advance(task)
        flush()
    if rejected:
        store.put_rejections(rejected)
    err_console.print(
        f"stored {stored} new input(s), {skipped} already stored, {len(rejected)} rejected"
    )
    report_rejections(rejected)
    code = EXIT_PARTIAL if rejected else EXIT_OK
    if then_analyze:
        code = max(code, _run_analyze(store, None, False, workers))
    sys.exit(code)


def _run_analyze(store: Store, stages: list[str] | None, redo: bool, workers: int) -> int:
    from kabar.pipeline.registry import StageError
    from kabar.pipeline.runner import analyze as run

    try:
        with progress_bar() as bar:
            task = bar.add_task("analyze", total=None)
            report = run(
                store, stages, redo=redo, workers=workers, progress=lambda n: bar.advance(task, n)
            )
    except StageError as exc:
        raise click.UsageError(str(exc)) from exc
    err_console.print(
        f"analyzed {report.articles} article(s), {len(report.rejected)} rejected,"
        f" {report.warnings} warning(s)"
    )
    report_rejections(report.rejected)
    return EXIT_PARTIAL if report.rejected else EXIT_OK


@cli.command()
@click.option(
    "--stages", default=None, help="Comma-separated subset of stages (see `kabar stages`)."
)
@click.option("--redo", is_flag=True, help="Re-run the stages over stored articles too.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@with_store
def analyze(stages: str | None, redo: bool, workers: int, store: Store) -> None:
    """Run the pipeline over stored raw inputs that have no article yet."""
    names = stages.split(",") if stages else None
    sys.exit(_run_analyze(store, names, redo, workers))


@cli.command()
@json_option
def stages(as_json: bool) -> None:
    """List the pipeline stages with what each requires and provides."""
    from kabar.pipeline.registry import plan

    planned = plan(None)
    rows = [
        {
            "name": s.name,
            "scope": s.scope,
            "requires": list(s.requires),
            "provides": list(s.provides),
            "doc": s.doc,
        }
        for s in planned
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("stage", "scope", "requires", "provides", "what it does")
    for r in rows:
        table.add_row(
            r["name"], r["scope"], ", ".join(r["requires"]), ", ".join(r["provides"]), r["doc"]
        )
    console.print(table)


def _parse_time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"expected an ISO date such as 2024-05-01, got {value!r}", param_hint=name
        ) from exc
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(
        [
            click.option("--outlet", default=None, help="Only this outlet."),
            click.option("--language", default=None, help="Only this language code (id, en)."),
            click.option("--since", default=None, help="Published on or after (ISO date)."),
            click.option("--until", default=None, help="Published on or before (ISO date)."),
            click.option("--story", "story_id", default=None, help="Only articles of this story."),
            click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000)),
            click.option("--offset", default=0, show_default=True, type=click.IntRange(0)),
        ]
    ):
        func = opt(func)
    return func


def make_filter(**kw: Any) -> ArticleFilter:
    return ArticleFilter(
        outlet=kw.get("outlet"),
        language=kw.get("language"),
        since=_parse_time(kw.get("since"), "--since"),
        until=_parse_time(kw.get("until"), "--until"),
        story_id=kw.get("story_id"),
        limit=kw.get("limit", 50),
        offset=kw.get("offset", 0),
    )


@cli.command()
@filter_options
@json_option
@with_store
def articles(as_json: bool, store: Store, **kw: Any) -> None:
    """List stored articles, newest first."""
    found = store.list_articles(make_filter(**kw))
    if as_json:
        print_json([article_summary(a) for a in found])
        return
    table = Table("id", "published", "outlet", "title", "story")
    for a in found:
        table.add_row(
            a.id,
            a.published.value.strftime("%Y-%m-%d %H:%M %z") if a.published else "—",
            escape(a.outlet or "—"),
            escape(a.title or "(no title)"),
            (a.story_id or "")[:10],
        )
    console.print(table)
    err_console.print(f"{len(found)} of {store.count_articles(make_filter(**kw))} article(s)")


def find_article(store: Store, article_id: str) -> Article:
    article = store.get_article(article_id)
    if article is None:
        raise KabarError(f"no article with id {article_id!r} (see `kabar articles`)")
    return article


def print_article(a: Article) -> None:
    console.rule(escape(a.title or "(no title)"))
    meta = {
        "id": a.id,
        "origin": a.origin,
        "url": a.url,
        "outlet": a.outlet,
        "published": f"{a.published.value.isoformat()}  ({a.published.original})"
        if a.published
        else None,
        "authors": ", ".join(a.authors) or None,
        "editor": ", ".join(a.editor) or None,
        "dateline": a.dateline,
        "language": f"{a.language} ({a.language_confidence:.2f})" if a.language else None,
        "credits": "; ".join(f"{c.kind}: {c.name}" for c in a.credits) or None,
        "story": a.story_id,
        "stages": ", ".join(a.stages),
    }
    for key, value in meta.items():
        if value:
            console.print(f"[bold]{key}[/bold]: {escape(str(value))}")
    for w in a.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(w)}")
    console.print()
    for line in a.lines:
        if not line.text.strip():
            console.print(f"[dim]{line.index + 1:4d}[/dim]")
            continue
        if line.removed:
            console.print(
                f"[dim]{line.index + 1:4d} ✗ {line.kind:<12} {escape(line.text)}"
                f"  [italic]({escape(line.reason)})[/italic][/dim]"
            )
        else:
            console.print(f"{line.index + 1:4d}   {line.kind:<12} {escape(line.text)}")


@cli.command()
@click.argument("article_id")
@json_option
@with_store
def show(article_id: str, as_json: bool, store: Store) -> None:
    """One article with every original line: kept lines, and removed lines marked ✗ with why."""
    article = find_article(store, article_id)
    if as_json:
        click.echo(article.model_dump_json(indent=2))
        return
    print_article(article)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stages", default=None, help="Comma-separated subset of stages.")
@click.option("--url", default=None, help="The page's URL, if known.")
def extract(file: Path, stages: str | None, url: str | None) -> None:
    """One page to JSON on stdout, without a store."""
    from kabar.ingest import read_file
    from kabar.pipeline.decode import DecodeError
    from kabar.pipeline.registry import StageError
    from kabar.pipeline.runner import extract as run_extract

    items = list(read_file(file))
    if not items:
        raise KabarError(f"{file}: nothing to read")
    code = EXIT_OK
    outputs = []
    for item in items:
        if isinstance(item, Rejection):
            report_rejections([item])
            code = EXIT_PARTIAL
            continue
        if url:
            item.url = url
        try:
            article = run_extract(item, stages.split(",") if stages else None)
        except StageError as exc:
            raise click.UsageError(str(exc)) from exc
        except DecodeError as exc:
            report_rejections([Rejection(origin=item.origin, reason=str(exc), raw_id=item.id)])
            code = EXIT_PARTIAL
            continue
        outputs.append(json.loads(article.model_dump_json()))
    if outputs:
        print_json(outputs[0] if len(outputs) == 1 else outputs)
    sys.exit(code)


def highlight_markup(text: str, spans: list[tuple[int, int]]) -> str:
    """Rich markup with the matched words in bold, everything else escaped."""
    out, pos = [], 0
    for start, end in spans:
        out += [escape(text[pos:start]), "[bold]", escape(text[start:end]), "[/bold]"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


@cli.command()
@click.argument("query")
@filter_options
@json_option
@with_store
def search(query: str, as_json: bool, store: Store, **kw: Any) -> None:
    """Full-text search over titles and bodies."""
    hits = store.search(query, make_filter(**kw))
    if as_json:
        print_json([vars(h) for h in hits])
        return
    table = Table("id", "published", "outlet", "title", "snippet")
    for h in hits:
        table.add_row(
            h.article_id,
            h.published.strftime("%Y-%m-%d") if h.published else "—",
            escape(h.outlet or "—"),
            escape(h.title or ""),
            highlight_markup(h.snippet, h.highlights),
        )
    console.print(table)


@cli.command()
@json_option
@with_store
def stats(as_json: bool, store: Store) -> None:
    """Counts of what the store holds."""
    s = store.stats()
    data = {k: v for k, v in vars(s).items() if k != "extra"} | s.extra
    if as_json:
        print_json(data)
        return
    table = Table("what", "count")
    for key, value in data.items():
        table.add_row(key, str(value))
    console.print(table)


@cli.command()
@click.option("--limit", default=100, show_default=True)
@json_option
@with_store
def rejections(limit: int, as_json: bool, store: Store) -> None:
    """Inputs that did not become articles, with the reason."""
    found = store.list_rejections(limit)
    if as_json:
        print_json([r.model_dump() for r in found])
        return
    table = Table("origin", "reason")
    for r in found:
        table.add_row(escape(r.origin), escape(r.reason))
    console.print(table)


def demo_corpus_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("kabar") / "demo" / "corpus"))


@cli.command()
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@with_store
def demo(workers: int, store: Store) -> None:
    """Ingest and analyze the bundled demo corpus, then summarise what was found."""
    from kabar.ingest import read_sources

    corpus = demo_corpus_path()
    rejected: list[Rejection] = []
    raws = []
    for item in read_sources([corpus]):
        (rejected if isinstance(item, Rejection) else raws).append(item)
    store.put_raw(raws)
    store.put_rejections(rejected)
    _run_analyze(store, None, False, workers)
    summary = store.stats()
    console.rule("kabar demo")
    console.print(
        f"{summary.raw} raw inputs → {summary.articles} articles, {summary.rejections} rejected"
        f" (junk on purpose), {summary.entities} entities, {summary.quotes} quotes,"
        f" {summary.stories} stories, {summary.storylines} storylines  [dim]({store.url})[/dim]"
    )
    stories = store.list_stories(limit=20)
    if stories:
        table = Table("story", "articles", "outlets", "last seen", "title")
        for s in stories:
            table.add_row(
                s.id[:10],
                str(len(s.article_ids)),
                escape(", ".join(s.outlets)),
                s.last_seen.strftime("%Y-%m-%d") if s.last_seen else "—",
                escape(s.title or ""),
            )
        console.print(table)
    else:
        table = Table("id", "outlet", "title")
        for a in store.list_articles(ArticleFilter(limit=20)):
            table.add_row(a.id, escape(a.outlet or "—"), escape(a.title or ""))
        console.print(table)
    console.print(
        "next: [bold]kabar articles[/bold], [bold]kabar show ID[/bold],"
        " [bold]kabar search WORDS[/bold], [bold]kabar serve[/bold]"
    )


def _load_plugins() -> None:
    import kabar as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("cli_"):
            module = importlib.import_module(f"kabar.{info.name}")
            for command in getattr(module, "COMMANDS", []):
                cli.add_command(command)


_load_plugins()


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
