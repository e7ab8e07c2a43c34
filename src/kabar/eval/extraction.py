"""``kabar eval extraction``: article-body extraction against published anchors, same run.

1. **ScrapingHub AEB** (181 pages, gold body text): precision/recall/F1 exactly as the
   benchmark's ``evaluate.py`` computes them (reimplemented here, see :func:`aeb_doc_counts`):
   4-gram shingles over ``\\w+`` tokens, per-document tp/fp/fn normalised to sum 1, P = mean
   per-doc precision, R = mean per-doc recall, F1 = 2PR/(P+R) of those two means; accuracy is
   the share of exact token-sequence matches; ± is the bootstrap standard deviation of F1
   over 1,000 document resamples. kabar, trafilatura, justext and resiliparse run in the same
   process on the same page bytes, each timed with ``time.perf_counter`` over the whole set
   after a warm-up, one core. The four saved reference outputs are rescored to check the
   scorer (trafilatura 2.0.0 must come out at 0.958).
2. **trafilatura evaluation set, English subset** (168 pages, expected/unwanted snippets):
   scored like trafilatura's own ``tests/eval_common.py`` (whitespace-normalised substring
   matches, counts summed over pages; P, R, F1 = 2TP/(2TP+FP+FN), accuracy).
3. **Line labelling on the AEB pages**: each page's visible text rendered as lines by
   inscriptis; a line is gold *body* when it overlaps the gold text (:func:`line_is_body`).
   kabar's text-dump cleaner (``kabar.pipeline.clean.classify_lines`` on the plain lines, no
   DOM hints) and justext (given the same lines, one ``<p>`` each, so it also sees text only)
   label every line; line-level P/R/F1 of the body class, counts summed over pages. The DOM
   extractors' outputs (kabar HTML, trafilatura) are projected onto the same lines with the
   same overlap rule, for reference.

Nothing here is trained on these pages: kabar's HTML rules were tuned on the trafilatura
evaluation pages (see ``docs/extraction.md``), and the text cleaner is trained on its own data.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import click

from kabar.eval.common import markdown_table, print_table, shared_path, write_results
from kabar.ingest.html import LINE_OVERLAP, TextIndex, line_is_body

__all__ = ["LINE_OVERLAP", "TextIndex", "line_is_body"]  # the line rule lives with the reader

AEB_DIR = Path("data/extraction/scrapinghub-aeb")
TE_DIR = Path("data/extraction/trafilatura-eval")

#: Published AEB rows (upstream README at commit 4a3bc97): name, F1, precision, recall.
AEB_ANCHORS: list[tuple[str, float, float, float]] = [
    ("rs_trafilatura 9261e08 (published)", 0.970, 0.951, 0.990),
    ("trafilatura 2.0.0 (published)", 0.958, 0.938, 0.978),
    ("newspaper4k 0.9.3.1 (published)", 0.949, 0.964, 0.934),
    ("readability-lxml 0.8.4.1 (published)", 0.922, 0.913, 0.931),
    ("justext 3.0.2 (published)", 0.804, 0.858, 0.756),
]
#: The saved upstream outputs, rescored by our scorer: name → published F1 to reproduce.
AEB_REFERENCE_OUTPUTS: dict[str, float] = {
    "trafilatura": 0.958,
    "newspaper": 0.949,
    "readability": 0.922,
    "justext": 0.804,
}
#: trafilatura's published score on its full 990-page evaluation set (2.2.0, standard mode).
TE_ANCHOR = ("trafilatura 2.2.0, full 990 pages (published)", 0.906, 0.943, 0.924, 0.923)

_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")
_JUSTEXT_LANGS = {
    "en": "English",
    "id": "Indonesian",
    "ms": "Malay",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
    "ru": "Russian",
    "ko": "Korean",
    "es": "Spanish",
    "fr": "French",
}


# ---------------------------------------------------------------------------------------------
# AEB scorer


def tokens(text: str) -> list[str]:
    """The benchmark's tokens: ``\\w+`` runs, Unicode-aware, case kept."""
    return _TOKEN.findall(text or "")


def shingles(toks: Sequence[str], n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram shingles; a text shorter than n gives one short shingle."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def aeb_doc_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """Per-document (tp, fp, fn) over shingle multisets, normalised to sum to 1."""
    g = shingles(tokens(gold))
    p = shingles(tokens(pred))
    tp = sum(min(count, p[key]) for key, count in g.items() if key in p)
    fp = sum(count - g.get(key, 0) for key, count in p.items() if count > g.get(key, 0))
    fn = sum(count - p.get(key, 0) for key, count in g.items() if count > p.get(key, 0))
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def _doc_precision(tp: float, fp: float, fn: float) -> float | None:
    if tp + fp > 0:
        return tp / (tp + fp)
    return 1.0 if fn == 0 else None  # empty prediction: left out; both empty: perfect


def _doc_recall(tp: float, fp: float, fn: float) -> float | None:
    if tp + fn > 0:
        return tp / (tp + fn)
    return 1.0 if fp == 0 else None


@dataclass
class AebScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    f1_std: float = 0.0
    precision_std: float = 0.0
    recall_std: float = 0.0
    per_doc: dict[str, tuple[float, float, float]] = field(default_factory=dict, repr=False)


def _prf(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    precisions = [v for c in counts if (v := _doc_precision(*c)) is not None]
    recalls = [v for c in counts if (v := _doc_recall(*c)) is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_aeb(
    gold: dict[str, str], predictions: dict[str, str], *, bootstrap: int = 1000, seed: int = 0
) -> AebScore:
    """The AEB metric over the documents of ``gold`` (a missing prediction is empty)."""
    keys = list(gold)
    counts = {k: aeb_doc_counts(gold[k], predictions.get(k) or "") for k in keys}
    p, r, f1 = _prf(list(counts.values()))
    exact = sum(tokens(gold[k]) == tokens(predictions.get(k) or "") for k in keys)
    score = AebScore(p, r, f1, exact / len(keys) if keys else 0.0, per_doc=counts)
    if bootstrap and keys:
        import random

        rng = random.Random(seed)
        values = [counts[k] for k in keys]
        samples = [_prf(rng.choices(values, k=len(values))) for _ in range(bootstrap)]
        score.precision_std = _std([s[0] for s in samples])
        score.recall_std = _std([s[1] for s in samples])
        score.f1_std = _std([s[2] for s in samples])
    return score


def _std(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5


def load_aeb(shared: Path) -> tuple[dict[str, str], dict[str, str], dict[str, Path]]:
    """``(gold text, url, html path)`` per page id."""
    base = shared / AEB_DIR
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {k: v.get("articleBody") or "" for k, v in truth.items()}
    urls = {k: v.get("url") or "" for k, v in truth.items()}
    paths = {k: base / "html" / f"{k}.html.gz" for k in truth}
    return gold, urls, paths


def load_reference_output(shared: Path, name: str) -> dict[str, str]:
    data = json.loads((shared / AEB_DIR / "reference_outputs" / f"{name}.json").read_text("utf-8"))
    data = data.get("output", data)
    return {k: (v or {}).get("articleBody") or "" for k, v in data.items()}


# ---------------------------------------------------------------------------------------------
# trafilatura evaluation scorer


@dataclass
class SnippetScore:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.tn + self.fn
        return (self.tp + self.tn) / total if total else 0.0


def _norm(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def score_snippets(entries: dict[str, dict[str, Any]], outputs: dict[str, str]) -> SnippetScore:
    """trafilatura's evaluation: ``with`` snippets found are TP, ``without`` found are FP."""
    score = SnippetScore()
    for key, entry in entries.items():
        text = _norm(outputs.get(key) or "")
        for snippet in entry.get("with") or []:
            if _norm(snippet) in text:
                score.tp += 1
            else:
                score.fn += 1
        for snippet in entry.get("without") or []:
            if _norm(snippet) in text:
                score.fp += 1
            else:
                score.tn += 1
    return score


def load_trafilatura_eval(shared: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Path]]:
    base = shared / TE_DIR
    entries = json.loads((base / "evaldata_en.json").read_text(encoding="utf-8"))
    paths = {k: base / "html" / f"{v['file']}.gz" for k, v in entries.items()}
    return entries, paths


# ---------------------------------------------------------------------------------------------
# Extractors (each: raw page bytes -> body text)


def kabar_extract(page: bytes) -> str:
    from kabar.ingest.html import extract_text

    return extract_text(page)


def kabar_pipeline_extract(page: bytes) -> str:
    """kabar's DOM labels refined by the text cleaner, combined as the ``clean`` stage does."""
    from kabar.ingest.html import html_to_lines
    from kabar.models import TEXT_KINDS
    from kabar.pipeline.clean import classify_lines, combine_labels

    html = html_to_lines(page)
    hints = {k: html.hints.get(k) for k in ("tags", "link_density", "title")}
    labels = combine_labels(html.kinds or [], classify_lines(html.lines, hints=hints))
    return "\n".join(
        ln for ln, (kind, _, _) in zip(html.lines, labels, strict=True) if kind in TEXT_KINDS
    )


def trafilatura_extract(page: bytes) -> str:
    import trafilatura

    # as trafilatura's own evaluation runs it
    return (
        trafilatura.extract(
            page, include_comments=False, include_tables=True, include_formatting=False
        )
        or ""
    )


def _html_lang(page: bytes) -> str:
    match = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", page[:4096])
    return match.group(1).decode("ascii").lower() if match else "en"


def justext_extract(page: bytes) -> str:
    import justext

    stoplist = justext.get_stoplist(_JUSTEXT_LANGS.get(_html_lang(page), "English"))
    paragraphs = justext.justext(page, stoplist)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def resiliparse_extract(page: bytes) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(bytes_to_str(page, detect_encoding(page)))
    return extract_plain_text(tree, main_content=True)


EXTRACTORS: dict[str, tuple[Callable[[bytes], str], str]] = {
    "kabar": (kabar_extract, "kabar"),
    "kabar+clean": (kabar_pipeline_extract, "kabar"),
    "trafilatura": (trafilatura_extract, "trafilatura"),
    "justext": (justext_extract, "jusText"),
    "resiliparse": (resiliparse_extract, "Resiliparse"),
}


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


@dataclass
class Run:
    outputs: dict[str, str]
    seconds: float  # wall clock, perf_counter
    errors: int
    cpu_seconds: float = 0.0  # process_time: less sensitive to other users of the machine

    @property
    def pages_per_second(self) -> float:
        return len(self.outputs) / self.seconds if self.seconds > 0 else 0.0

    @property
    def pages_per_cpu_second(self) -> float:
        return len(self.outputs) / self.cpu_seconds if self.cpu_seconds > 0 else 0.0


def run_extractor(fn: Callable[[bytes], str], pages: dict[str, bytes], *, warmup: int = 5) -> Run:
    """Extract every page, timed as one pass with ``perf_counter`` after a warm-up.

    A crash counts as an empty output (as both benchmarks do) and is counted.
    """
    for page in list(pages.values())[:warmup]:
        with contextlib.suppress(Exception):
            fn(page)
    outputs: dict[str, str] = {}
    errors = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for key, page in pages.items():
        try:
            outputs[key] = fn(page) or ""
        except Exception:
            outputs[key] = ""
            errors += 1
    wall = time.perf_counter() - start
    return Run(outputs, wall, errors, time.process_time() - cpu)


# ---------------------------------------------------------------------------------------------
# Line labelling benchmark


def render_lines(page: bytes) -> list[str]:
    """The page's visible text as lines (inscriptis), blank lines dropped."""
    from inscriptis import get_text

    from kabar.ingest.html import decode_html

    text, _ = decode_html(page)
    return [ln.strip() for ln in get_text(text).split("\n") if ln.strip()]


@dataclass
class LineScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def text_cleaner() -> Callable[[list[str]], list[bool]] | None:
    """kabar's text-dump line classifier as ``lines -> is_body``, or None if absent."""
    try:
        from kabar.models import TEXT_KINDS
        from kabar.pipeline.clean import classify_lines
    except ImportError:
        return None

    def label(lines: list[str]) -> list[bool]:
        return [kind in TEXT_KINDS for kind, _, _ in classify_lines(lines)]

    return label


def justext_lines(lines: list[str], lang: str) -> list[bool]:
    """justext on the same lines, each given as its own paragraph (text only, no DOM)."""
    import html as html_escape

    import justext

    if not lines:
        return []
    markup = "<html><body>" + "".join(f"<p>{html_escape.escape(ln)}</p>" for ln in lines)
    markup += "</body></html>"
    stoplist = justext.get_stoplist(_JUSTEXT_LANGS.get(lang, "English"))
    paragraphs = justext.justext(markup.encode("utf-8"), stoplist, encoding="utf-8")
    good = [not p.is_boilerplate for p in paragraphs]
    if len(good) != len(lines):  # justext merges nothing for <p> blocks, but be safe
        kept = TextIndex.of("\n".join(p.text for p in paragraphs if not p.is_boilerplate))
        return [bool(line_is_body(ln, kept)) for ln in lines]
    return good


@dataclass
class LinePage:
    key: str
    domain: str
    lines: list[str]
    gold: list[bool | None]


def build_line_pages(
    gold: dict[str, str], urls: dict[str, str], pages: dict[str, bytes]
) -> list[LinePage]:
    out = []
    for key, page in pages.items():
        lines = render_lines(page)
        index = TextIndex.of(gold[key])
        out.append(
            LinePage(
                key,
                urlparse(urls.get(key) or "").netloc.removeprefix("www."),
                lines,
                [line_is_body(ln, index) for ln in lines],
            )
        )
    return out


def score_lines(
    line_pages: Iterable[LinePage], predict: Callable[[LinePage], list[bool]]
) -> tuple[LineScore, float]:
    score = LineScore()
    start = time.perf_counter()
    for page in line_pages:
        labels = predict(page)
        for gold, predicted in zip(page.gold, labels, strict=True):
            if gold is not None:
                score.add(gold, predicted)
    return score, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# The command


def _read_pages(paths: dict[str, Path]) -> dict[str, bytes]:
    return {k: gzip.decompress(p.read_bytes()) for k, p in paths.items()}


def evaluate(
    shared: Path,
    *,
    limit: int | None = None,
    systems: Sequence[str] = ("kabar", "kabar+clean", "trafilatura", "justext", "resiliparse"),
    lines: bool = True,
    export_lines: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run all three evaluations; returns the JSON payload."""
    gold, urls, aeb_paths = load_aeb(shared)
    keys = sorted(gold)[:limit] if limit else sorted(gold)
    gold = {k: gold[k] for k in keys}
    aeb_pages = _read_pages({k: aeb_paths[k] for k in keys})
    payload: dict[str, Any] = {
        "versions": {
            "kabar": version("kabar"),
            "trafilatura": version("trafilatura"),
            "justext": version("jusText"),
            "resiliparse": version("Resiliparse"),
            "inscriptis": version("inscriptis"),
        }
    }

    # scorer check against the saved upstream outputs
    reference = {}
    for name, published in AEB_REFERENCE_OUTPUTS.items():
        score = score_aeb(gold, load_reference_output(shared, name), bootstrap=0)
        reference[name] = {
            "precision": score.precision,
            "recall": score.recall,
            "f1": score.f1,
            "published_f1": published if not limit else None,
        }
    payload["aeb_reference_outputs"] = reference

    aeb: dict[str, Any] = {}
    aeb_runs: dict[str, Run] = {}
    for name in systems:
        progress(f"AEB: {name}")
        fn = EXTRACTORS[name][0]
        run = run_extractor(fn, aeb_pages)
        aeb_runs[name] = run
        score = score_aeb(gold, run.outputs)
        aeb[name] = {
            "version": version(EXTRACTORS[name][1]),
            "precision": score.precision,
            "recall": score.recall,
            "f1": score.f1,
            "f1_std": score.f1_std,
            "accuracy": score.accuracy,
            "pages_per_second": run.pages_per_second,
            "pages_per_cpu_second": run.pages_per_cpu_second,
            "seconds": run.seconds,
            "errors": run.errors,
        }
    if "trafilatura" in aeb:
        base = aeb["trafilatura"]["pages_per_second"]
        base_cpu = aeb["trafilatura"]["pages_per_cpu_second"]
        for row in aeb.values():
            row["speed_vs_trafilatura"] = row["pages_per_second"] / base if base else None
            row["cpu_speed_vs_trafilatura"] = (
                row["pages_per_cpu_second"] / base_cpu if base_cpu else None
            )
    payload["aeb"] = {"pages": len(keys), "systems": aeb}

    entries, te_paths = load_trafilatura_eval(shared)
    te_keys = list(entries)[:limit] if limit else list(entries)
    te_pages = _read_pages({k: te_paths[k] for k in te_keys})
    te_entries = {k: entries[k] for k in te_keys}
    te: dict[str, Any] = {}
    for name in systems:
        progress(f"trafilatura-eval: {name}")
        run = run_extractor(EXTRACTORS[name][0], te_pages)
        snip = score_snippets(te_entries, run.outputs)
        te[name] = {
            "precision": snip.precision,
            "recall": snip.recall,
            "f1": snip.f1,
            "accuracy": snip.accuracy,
            "tp": snip.tp,
            "fp": snip.fp,
            "tn": snip.tn,
            "fn": snip.fn,
            "pages_per_second": run.pages_per_second,
            "errors": run.errors,
        }
    payload["trafilatura_eval"] = {"pages": len(te_keys), "systems": te}

    if lines:
        progress("line labelling")
        payload["lines"] = line_benchmark(
            gold, urls, aeb_pages, {n: r.outputs for n, r in aeb_runs.items()}, export_lines
        )
    return payload


def line_benchmark(
    gold: dict[str, str],
    urls: dict[str, str],
    pages: dict[str, bytes],
    dom_outputs: dict[str, dict[str, str]],
    export: Path | None = None,
) -> dict[str, Any]:
    line_pages = build_line_pages(gold, urls, pages)
    langs = {k: _html_lang(pages[k]) for k in pages}
    scored = [g for p in line_pages for g in p.gold if g is not None]
    result: dict[str, Any] = {
        "pages": len(line_pages),
        "lines": len(scored),
        "body_lines": sum(scored),
        "renderer": f"inscriptis {version('inscriptis')}",
        "overlap_rule": (
            f"a line of >=4 tokens is body when >= {LINE_OVERLAP:.0%} of its 4-gram shingles "
            "occur in the gold text; a shorter line only when it equals a whole gold paragraph"
        ),
        "systems": {},
    }
    systems: dict[str, Callable[[LinePage], list[bool]]] = {}
    cleaner = text_cleaner()
    if cleaner is not None:
        systems["kabar text cleaner (lines only)"] = lambda p: cleaner(p.lines)
    else:
        result["note"] = "kabar.pipeline.clean.classify_lines is not available"
    systems["justext (lines only)"] = lambda p: justext_lines(p.lines, langs[p.key])
    for name, outputs in dom_outputs.items():
        indexes = {k: TextIndex.of(v) for k, v in outputs.items()}
        systems[f"{name} (HTML, projected)"] = lambda p, ix=indexes: [
            bool(line_is_body(ln, ix[p.key])) for ln in p.lines
        ]
    for name, predict in systems.items():
        score, seconds = score_lines(line_pages, predict)
        result["systems"][name] = {
            "precision": score.precision,
            "recall": score.recall,
            "f1": score.f1,
            "accuracy": score.accuracy,
            "tp": score.tp,
            "fp": score.fp,
            "fn": score.fn,
            "tn": score.tn,
            "seconds": seconds,
        }
    if export is not None:
        export.parent.mkdir(parents=True, exist_ok=True)
        with export.open("w", encoding="utf-8") as fh:
            for page in line_pages:
                for i, (line, label) in enumerate(zip(page.lines, page.gold, strict=True)):
                    row = {"page": page.key, "domain": page.domain, "index": i, "text": line}
                    fh.write(json.dumps({**row, "body": label}, ensure_ascii=False) + "\n")
        result["exported"] = str(export)
    return result


def _tables(payload: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    aeb = payload["aeb"]["systems"]
    rows: list[list[Any]] = []
    for name, row in aeb.items():
        rows.append(
            [
                f"{name} {row['version']} (this run)",
                row["precision"],
                row["recall"],
                row["f1"],
                f"±{row['f1_std']:.3f}",
                row["accuracy"],
                round(row["pages_per_second"], 1),
                f"{row.get('speed_vs_trafilatura') or 0:.2f}×",
                f"{row.get('cpu_speed_vs_trafilatura') or 0:.2f}×",
            ]
        )
    for name, ref in payload["aeb_reference_outputs"].items():
        rows.append(
            [
                f"{name} saved output, rescored (published {ref['published_f1']})",
                ref["precision"],
                ref["recall"],
                ref["f1"],
                None,
                None,
                None,
                None,
                None,
            ]
        )
    for name, f1, p, r in AEB_ANCHORS:
        rows.append([name, p, r, f1, None, None, None, None, None])
    aeb_cols = [
        "system",
        "precision",
        "recall",
        "F1",
        "±",
        "accuracy",
        "pages/s",
        "× trafilatura",
        "× (CPU time)",
    ]

    te_rows: list[list[Any]] = [
        [
            f"{n} (this run)",
            r["precision"],
            r["recall"],
            r["f1"],
            r["accuracy"],
            round(r["pages_per_second"], 1),
        ]
        for n, r in payload["trafilatura_eval"]["systems"].items()
    ]
    name, p, r, f1, acc = TE_ANCHOR
    te_rows.append([name, p, r, f1, acc, None])
    te_cols = ["system", "precision", "recall", "F1", "accuracy", "pages/s"]

    tables = [
        (f"ScrapingHub AEB ({payload['aeb']['pages']} pages)", aeb_cols, rows),
        (
            f"trafilatura eval, English subset ({payload['trafilatura_eval']['pages']} pages)",
            te_cols,
            te_rows,
        ),
    ]
    if "lines" in payload:
        lines = payload["lines"]
        line_rows = [
            [n, r["precision"], r["recall"], r["f1"], r["accuracy"]]
            for n, r in lines["systems"].items()
        ]
        tables.append(
            (
                f"Line labelling on AEB pages ({lines['lines']} lines, {lines['body_lines']} body)",
                ["system", "precision", "recall", "F1", "accuracy"],
                line_rows,
            )
        )
    return tables


def markdown(payload: dict[str, Any]) -> str:
    parts = []
    for title, cols, rows in _tables(payload):
        parts.append(f"### {title}\n\n{markdown_table(cols, rows)}\n")
    return "\n".join(parts)


@click.command(name="extraction")
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--out", default=None, help="Write JSON here (and markdown beside it, .md).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N pages.")
@click.option(
    "--systems",
    default="kabar,kabar+clean,trafilatura,justext,resiliparse",
    show_default=True,
    help="Comma-separated extractors to run.",
)
@click.option("--no-lines", is_flag=True, help="Skip the line-labelling benchmark.")
@click.option(
    "--export-lines",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the labelled AEB lines as JSONL (evaluation pages: cross-validate by domain).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def command(
    shared_opt: str | None,
    out: str | None,
    limit: int | None,
    systems: str,
    no_lines: bool,
    export_lines: Path | None,
    as_json: bool,
) -> None:
    """Article-body extraction: ScrapingHub AEB, trafilatura's English eval set, line labels."""
    try:
        shared = shared_path(shared_opt)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in EXTRACTORS]
    if unknown or not chosen:
        raise click.UsageError(f"unknown system(s) {unknown}; known: {', '.join(EXTRACTORS)}")
    from rich.console import Console

    console = Console(stderr=True)
    payload = evaluate(
        shared,
        limit=limit,
        systems=chosen,
        lines=not no_lines,
        export_lines=export_lines,
        progress=lambda msg: console.log(msg) if not as_json else None,
    )
    write_results(out, payload, markdown(payload))
    if as_json:
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    for title, cols, rows in _tables(payload):
        print_table(title, cols, rows)
