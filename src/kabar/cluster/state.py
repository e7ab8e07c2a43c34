"""Where corpus stages keep their state: the store, or a dict when there is no store.

The story algorithms only need the key/value and postings parts of the ``Store`` interface;
:class:`MemoryState` implements that subset so that ``kabar extract``, tests and evaluations
run the same code without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Protocol


class StateBackend(Protocol):
    def put_state(self, namespace: str, items: Iterable[tuple[str, bytes]]) -> None: ...

    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]: ...

    def iter_state(self, namespace: str) -> Iterator[tuple[str, bytes]]: ...

    def delete_state(self, namespace: str, keys: Iterable[str] | None = None) -> None: ...

    def add_postings(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None: ...

    def get_postings(self, namespace: str, keys: Iterable[str]) -> dict[str, list[str]]: ...

    def delete_postings(self, namespace: str, article_ids: Iterable[str] | None = None) -> None: ...


class MemoryState:
    """In-memory key/value state and postings with the Store's method signatures."""

    def __init__(self) -> None:
        self.state: dict[str, dict[str, bytes]] = defaultdict(dict)
        self.postings: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._posted: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def put_state(self, namespace: str, items: Iterable[tuple[str, bytes]]) -> None:
        self.state[namespace].update(items)

    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]:
        ns = self.state.get(namespace, {})
        return {k: ns[k] for k in keys if k in ns}

    def iter_state(self, namespace: str) -> Iterator[tuple[str, bytes]]:
        yield from sorted(self.state.get(namespace, {}).items())

    def delete_state(self, namespace: str, keys: Iterable[str] | None = None) -> None:
        if keys is None:
            self.state.pop(namespace, None)
            return
        ns = self.state.get(namespace, {})
        for k in keys:
            ns.pop(k, None)

    def add_postings(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        posted = self._posted[namespace]
        table = self.postings[namespace]
        for key, article_id in pairs:
            if (key, article_id) not in posted:
                posted.add((key, article_id))
                table[key].append(article_id)

    def get_postings(self, namespace: str, keys: Iterable[str]) -> dict[str, list[str]]:
        table = self.postings.get(namespace, {})
        return {k: list(table[k]) for k in keys if table.get(k)}

    def delete_postings(self, namespace: str, article_ids: Iterable[str] | None = None) -> None:
        if article_ids is None:
            self.postings.pop(namespace, None)
            self._posted.pop(namespace, None)
            return
        gone = set(article_ids)
        table = self.postings.get(namespace, {})
        for key in list(table):
            table[key] = [a for a in table[key] if a not in gone]
        self._posted[namespace] = {p for p in self._posted[namespace] if p[1] not in gone}


def backend_for(store: object | None, cache: dict[str, object] | None = None) -> StateBackend:
    """The store itself, or one in-memory state per run (kept in ``ctx.cache``)."""
    if store is not None:
        return store  # type: ignore[return-value]
    if cache is None:
        return MemoryState()
    mem = cache.get("kabar.cluster.state")
    if mem is None:
        mem = cache["kabar.cluster.state"] = MemoryState()
    return mem  # type: ignore[return-value]
