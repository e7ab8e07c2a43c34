"""Document frequencies of story features, kept as one state row per feature.

They used to be one compressed blob of every feature's count, read and rewritten whole by
each batch. With open vocabulary (names, numbers, places) that blob grows with the store, and
every batch paid for all of it in time and memory. Now a batch reads the rows of the features
it meets (one query for the batch, see :meth:`StoredDocFreq.need`) and writes back the rows
it changed, so its cost and memory follow what it touches, not how much is stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from kabar.cluster.represent import DocFreq
from kabar.cluster.state import StateBackend

TOTAL_KEY = "df_n"  # in the clusterer's namespace: how many articles were counted
LEGACY_KEY = "df"  # the old single-blob layout, converted to rows on first open


def rows_namespace(namespace: str) -> str:
    """Where the rows of one clusterer's frequencies live (stories and storylines differ)."""
    return f"{namespace}_df"


class StoredDocFreq(DocFreq):
    """A :class:`DocFreq` that loads counts from the state backend on demand.

    Counts are exact: a feature's row is read before its first use, and every change is
    written back by :meth:`flush`. One instance serves one batch.
    """

    def __init__(self, backend: StateBackend, namespace: str) -> None:
        super().__init__()
        self.backend = backend
        self.namespace = namespace
        self.rows = rows_namespace(namespace)
        self._loaded: set[str] = set()
        self._dirty: set[str] = set()
        self._drop_legacy = False
        state = backend.get_state(namespace, [TOTAL_KEY, LEGACY_KEY])
        #: whether this namespace had been flushed before (else it is a fresh store)
        self.existed = bool(state)
        legacy = state.get(LEGACY_KEY)
        if legacy is not None:  # a store written before rows: take its counts over once
            old = DocFreq.from_bytes(legacy)
            self.counts.update(old.counts)
            self.n_docs = old.n_docs
            self._loaded.update(old.counts)
            self._dirty.update(old.counts)
            self._drop_legacy = True
        elif TOTAL_KEY in state:
            self.n_docs = int(state[TOTAL_KEY])

    def need(self, keys: Iterable[str]) -> None:
        """Read the counts of ``keys`` not read yet, in one query."""
        missing = [k for k in set(keys) if k not in self._loaded]
        if not missing:
            return
        found = self.backend.get_state(self.rows, missing)
        for key, raw in found.items():
            self.counts[key] = int(raw)
        self._loaded.update(missing)

    def count(self, keys: set[str], sign: int) -> None:
        self.need(keys)
        super().count(keys, sign)
        self._dirty.update(keys)

    def idf(self, key: str) -> float:
        if key not in self._loaded:  # rare: callers ask for a batch's features up front
            self.need((key,))
        return super().idf(key)

    def flush(self) -> None:
        """Write the changed counts and the total back; rows that fell to zero go."""
        dirty = sorted(self._dirty)
        self.backend.put_state(
            self.rows, [(k, str(self.counts[k]).encode()) for k in dirty if self.counts[k] > 0]
        )
        gone = [k for k in dirty if self.counts[k] <= 0]
        if gone:
            self.backend.delete_state(self.rows, gone)
        self.backend.put_state(self.namespace, [(TOTAL_KEY, str(self.n_docs).encode())])
        if self._drop_legacy:
            self.backend.delete_state(self.namespace, [LEGACY_KEY])
            self._drop_legacy = False
        self._dirty.clear()
