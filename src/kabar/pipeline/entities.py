"""Stages ``entities`` (per article) and ``canonical`` (corpus): who and what a page names.

``entities`` tags the title and text lines with the shipped CRF (``kabar.ner``), adds the
gazetteer's names, and resolves them to canonical entities inside the article (see
:mod:`kabar.ner.canonical`): ``article.mentions`` (span = line index + character offsets in
that line's text) and ``article.entities``.

``canonical`` links entities across articles through the store's state (namespace
``entity_alias``): a name, each alias and, for people, the first and last word of every full
name seen so far. "Stoltenberg" in a later article then takes the id and name of "Jens
Stoltenberg", and "Kim Jon Un" the id of "Kim Jong Un". Without a store (``kabar extract``)
it links only within the batch.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from kabar.models import Article, Entity
from kabar.ner.canonical import SIMILAR, find_mentions, resolve
from kabar.pipeline.registry import StageContext, stage

NAMESPACE = "entity_alias"


@stage("entities", requires=("kinds",), provides=("entities",))
def entities(article: Article, ctx: StageContext) -> Article:
    """Named entities (PER, ORG, GPE, LOC, EVT) with canonical names, roles and categories."""
    found = find_mentions(article.lines)
    article.mentions, article.entities = resolve(found, article.lines)
    return article


def _family(label: str) -> str:
    return "LOC" if label in {"GPE", "LOC"} else label


def _name_key(label: str, name: str) -> str:
    return f"{_family(label)}|{name.casefold()}"


def _part_key(token: str) -> str:
    return f"PER-part|{token.casefold()}"


class AliasState:
    """The cross-article name table: read once per batch, written back once."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.values: dict[str, Any] = {}
        self.dirty: set[str] = set()

    def load(self, keys: set[str]) -> None:
        missing = [k for k in keys if k not in self.values]
        if self.store is None or not missing:
            return
        for key, raw in self.store.get_state(NAMESPACE, missing).items():
            try:
                self.values[key] = json.loads(raw)
            except (ValueError, TypeError):
                continue

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def claim(self, key: str, value: dict[str, str]) -> None:
        """First writer wins: a name keeps the entity it was first seen as."""
        if key not in self.values:
            self.values[key] = value
            self.dirty.add(key)

    def add_part(self, key: str, value: dict[str, str]) -> None:
        current = self.values.setdefault(key, [])
        if isinstance(current, list) and value not in current and len(current) < 50:
            current.append(value)
            self.dirty.add(key)

    def save(self) -> None:
        if self.store is None or not self.dirty:
            return
        self.store.put_state(
            NAMESPACE,
            [(k, json.dumps(self.values[k], ensure_ascii=False).encode()) for k in self.dirty],
        )
        self.dirty.clear()


def _keys_for(entity: Entity) -> set[str]:
    keys = {_name_key(entity.label, entity.name)}
    keys |= {_name_key(entity.label, a) for a in entity.aliases}
    if entity.label == "PER":
        words = entity.name.split()
        keys |= {_part_key(words[0]), _part_key(words[-1])}
    return keys


def _target(entity: Entity, state: AliasState) -> dict[str, str] | None:
    for key in [_name_key(entity.label, entity.name)] + [
        _name_key(entity.label, a) for a in entity.aliases
    ]:
        hit = state.get(key)
        if isinstance(hit, dict) and hit.get("id") != entity.id:
            return hit
    if entity.label != "PER":
        return None
    words = entity.name.split()
    if len(words) == 1:  # a surname or a first name alone: the one full name that has it
        parts = state.get(_part_key(words[0]))
        if isinstance(parts, list):
            ids = {p["id"] for p in parts}
            if len(ids) == 1 and parts[0]["id"] != entity.id:
                return parts[0]
        return None
    for part in (words[0], words[-1]):
        candidates = state.get(_part_key(part))
        if not isinstance(candidates, list):
            continue
        names = {c["name"]: c for c in candidates if c["id"] != entity.id}
        close = difflib.get_close_matches(entity.name, list(names), n=1, cutoff=SIMILAR)
        if close and len(close[0].split()) == len(words):
            return names[close[0]]
    return None


def link_across(articles: list[Article], store: Any) -> list[Article]:
    state = AliasState(store)
    state.load({k for a in articles for e in a.entities for k in _keys_for(e)})
    # Full names first, so a surname in an earlier article of the batch finds a later one.
    for article in articles:
        for e in article.entities:
            if e.label == "PER" and len(e.name.split()) > 1 and _target(e, state) is None:
                ref = {"id": e.id, "name": e.name}
                words = e.name.split()
                state.add_part(_part_key(words[0]), ref)
                state.add_part(_part_key(words[-1]), ref)
    for article in articles:
        remap: dict[str, dict[str, str]] = {}
        merged: dict[str, Entity] = {}
        for e in article.entities:
            target = _target(e, state)
            if target is not None:
                remap[e.id] = target
                old_name = e.name
                e.id, e.name = target["id"], target["name"]
                if old_name != e.name and old_name not in e.aliases:
                    e.aliases = sorted({*e.aliases, old_name})
                if target.get("category") and e.category == "unknown":
                    e.category = target["category"]
            if e.id in merged:  # two names of this article turned out to be one entity
                kept = merged[e.id]
                kept.aliases = sorted({*kept.aliases, *e.aliases, e.name} - {kept.name})
                kept.roles = sorted({*kept.roles, *e.roles})
                continue
            merged[e.id] = e
        if remap:
            for m in article.mentions:
                if m.entity_id in remap:
                    m.entity_id = remap[m.entity_id]["id"]
            article.entities = list(merged.values())
        for e in article.entities:
            ref = {"id": e.id, "name": e.name, "label": e.label, "category": e.category}
            state.claim(_name_key(e.label, e.name), ref)
            for alias in e.aliases:
                state.claim(_name_key(e.label, alias), ref)
    state.save()
    return articles


@stage("canonical", requires=("entities",), provides=("canonical",), scope="corpus")
def canonical(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Link entities across articles: one id for "Stoltenberg" and "Jens Stoltenberg"."""
    return link_across(articles, ctx.store)
