"""Find the entries that answer a member's question, and say nothing when none does.

Two searches read every question. The lexical one (`lexical.py`) is sure of exact names,
acronyms and typos ("WRES", "structual racism"); the semantic one (`semantic.py`) finds
questions in a member's own words ("the thing where trusts report staff ethnicity data
every year"). The entries either ranks near the top are scored by blending the two
scores (`Calibration.lexical_share`), and what to do with the best rests on that:

- answer it, when it is sure enough and clearly ahead of the next, or the question is
  exactly one of its names;
- offer the closest as "Did you mean…" buttons, when they are close but not sure;
- say "I don't have that" otherwise. A near miss ("what is the Race Disparity Unit"
  shares two words with the Race Equality Foundation) scores well lexically and only
  middling semantically, and stays below the answer line.

The thresholds are calibrated on `bench/devset/members.yaml`; `bench/kb_quality.py`
prints the figures for each search alone and fused. Until the model has loaded, or where
none is installed, answers are lexical alone, with the lexical search's own thresholds.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.entries import KINDS, Entry
from knowledge.lexical import LexicalIndex, Match
from knowledge.semantic import Model, SemanticIndex

__all__ = ["Calibration", "Evidence", "Lookup", "Match", "SearchIndex", "decide"]

# Lexical scores below this are not evidence: any entry sharing a common word gets one.
LEXICAL_FLOOR = 30.0
# How many of each ranking the fusion considers.
FUSION_DEPTH = 20
SUGGESTIONS = 3


@dataclass(frozen=True)
class Calibration:
    """How the two searches' scores become a decision; the defaults are what
    `bench/kb_quality.py --tune` chose on the development set (see the README)."""

    # Share of the blended score from the lexical score (0-1); the rest is the cosine
    # similarity. Reciprocal-rank fusion was measured too and ranked worse: it throws away
    # how much better the first entry is than the second.
    lexical_share: float = 0.15
    # Answer when the best entry blends to this and leads the next by `margin`, or blends
    # to `sure` whatever the next does.
    answer: float = 0.66
    margin: float = 0.04
    sure: float = 0.7
    # "Did you mean" when below the answer line but at least this.
    suggest: float = 0.45
    # A lexical score (0-100) at which the lexical search's answer stands on its own.
    lexical_sure: float = 72.0


@dataclass(frozen=True)
class Evidence:
    """What the two searches say about one entry for one question."""

    entry: Entry
    lexical: float  # 0-100; 0 when the lexical search did not find it
    similarity: float  # cosine, -1 to 1
    # The question names something else beside one of its names (lexical.near_misses).
    near_miss: bool = False

    def blended(self, calibration: Calibration) -> float:
        if self.lexical >= 100:
            return 1.0
        share = calibration.lexical_share
        return share * self.lexical / 100 + (1 - share) * self.similarity


def decide(evidence: Sequence[Evidence], calibration: Calibration) -> "Lookup":
    """Answer, "did you mean", or "I don't have that", from both searches' evidence."""
    ranked = sorted(evidence, key=lambda e: -e.blended(calibration))
    scored = [Match(e.entry, round(100 * e.blended(calibration), 1)) for e in ranked]
    if not scored:
        return Lookup()
    # The lexical search alone is seldom wrong when it is sure (a name, an acronym, a
    # typo of one): its answer stands unless the meaning is far off or it is a near miss.
    named = [
        Match(e.entry, e.lexical)
        for e in sorted(evidence, key=lambda e: -e.lexical)
        if e.lexical >= calibration.lexical_sure
        and not e.near_miss
        and e.blended(calibration) >= calibration.suggest
    ]
    # A question naming two entries ("WRES and WDES difference") is answered with both.
    if len(named) > 1:
        return Lookup(named[:2])
    best = scored[0].score / 100
    lead = best - (scored[1].score / 100 if len(scored) > 1 else 0.0)
    sure = best >= calibration.sure or (best >= calibration.answer and lead >= calibration.margin)
    if sure and not ranked[0].near_miss:
        close = [m for m in scored[1:] if m.score / 100 >= calibration.sure]
        return Lookup([scored[0], *close])
    if named:
        return Lookup(named)
    return Lookup([], [m for m in scored if m.score / 100 >= calibration.suggest][:SUGGESTIONS])


@dataclass(frozen=True)
class Lookup:
    """What a question gets: the answers (best first; empty for "don't know") and, when
    there is no answer, the entries close enough to offer as "Did you mean…"."""

    answers: list[Match] = field(default_factory=list)
    suggestions: list[Match] = field(default_factory=list)


class SearchIndex:
    """The knowledge base's entries, searched lexically and, once a model is ready, by
    meaning. Entries are added (approved suggestions) but never changed in place: a
    changed knowledge base is a new index."""

    def __init__(
        self,
        entries: Sequence[Entry],
        model: Model | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self._lexical = LexicalIndex(entries)
        self.calibration = calibration or Calibration()
        self._model = model
        self._semantic: SemanticIndex | None = None
        self._lock = threading.Lock()
        self.semantic_ready = threading.Event()
        if model is None:
            return
        if model.ready.is_set():
            self._build_semantic()
        else:
            threading.Thread(target=self._build_semantic, name="larch-vectors", daemon=True).start()

    @property
    def entries(self) -> Sequence[Entry]:
        return self._lexical.entries

    @property
    def model(self) -> Model | None:
        return self._model

    def get(self, entry_id: str) -> Entry | None:
        return self._lexical.get(entry_id)

    def is_tag(self, word: str) -> bool:
        return self._lexical.is_tag(word)

    def kind_of(self, word: str) -> str | None:
        return self._lexical.kind_of(word)

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._lexical.add(entry)
            if self._semantic is not None:
                self._semantic.add([entry])

    def search(
        self, query: str, *, kind: str | None = None, tag: str | None = None, limit: int = 5
    ) -> list[Match]:
        """The entries that answer `query`, best first; [] when none does with confidence."""
        return self.lookup(query, kind=kind, tag=tag).answers[:limit]

    def closest(self, query: str, *, limit: int = SUGGESTIONS) -> list[Match]:
        """Entries worth suggesting when `search` finds nothing; [] for nonsense."""
        return self.lookup(query).suggestions[:limit]

    def lookup(self, query: str, *, kind: str | None = None, tag: str | None = None) -> Lookup:
        """Answers, or else suggestions, for one question."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if self._semantic is None:
            answers = self._lexical.search(query, kind=kind, tag=tag)
            suggestions = [] if answers else self._lexical.closest(query, limit=SUGGESTIONS)
            return Lookup(answers, suggestions)
        return decide(self.evidence(query, kind=kind, tag=tag), self.calibration)

    def ranked(
        self, query: str, *, kind: str | None = None, tag: str | None = None, limit: int = 10
    ) -> list[Match]:
        """Everything worth showing for `query`, most relevant first (for `find`)."""
        if self._semantic is None:
            return self._lexical.scored(query, kind=kind, tag=tag, floor=LEXICAL_FLOOR)[:limit]
        calibration = self.calibration
        evidence = sorted(
            self.evidence(query, kind=kind, tag=tag), key=lambda e: -e.blended(calibration)
        )
        return [
            Match(e.entry, round(100 * e.blended(calibration), 1))
            for e in evidence
            if e.blended(calibration) >= calibration.suggest
        ][:limit]

    def evidence(
        self, query: str, *, kind: str | None = None, tag: str | None = None
    ) -> list[Evidence]:
        """The entries either search ranks near the top, with both scores; [] until the
        semantic search is ready."""
        semantic = self._semantic
        if semantic is None:
            return []
        entries = self.entries
        lexical = self._lexical.scored(query, kind=kind, tag=tag, floor=LEXICAL_FLOOR)
        lexical_scores = {m.entry.id: m.score for m in lexical[:FUSION_DEPTH]}
        similarities = semantic.similarities(query)[: len(entries)]
        nearest = [entries[p] for p in _nearest(entries, similarities, kind, tag)]
        positions = self._lexical.positions
        candidates = {m.entry.id: m.entry for m in lexical[:FUSION_DEPTH]}
        candidates.update((entry.id, entry) for entry in nearest)
        near_misses = self._lexical.near_misses(query, candidates)
        return [
            Evidence(
                entry,
                lexical_scores.get(entry_id, 0.0),
                float(similarities[positions[entry_id]]),
                entry_id in near_misses,
            )
            for entry_id, entry in candidates.items()
        ]

    def wait_for_semantic(self, timeout: float | None = None) -> bool:
        """Block until semantic search is on (True), or the model failed or timed out."""
        if self._model is None:
            return False
        self._model.settled.wait(timeout)
        return self.semantic_ready.wait(0 if self._model.failed else timeout)

    def _build_semantic(self) -> None:
        model = self._model
        assert model is not None
        model.settled.wait()
        if not model.ready.is_set():
            return
        with self._lock:
            semantic = SemanticIndex(model)
            semantic.add(self._lexical.entries)
            self._semantic = semantic
        self.semantic_ready.set()


def _nearest(
    entries: Sequence[Entry], similarities: np.ndarray, kind: str | None, tag: str | None
) -> list[int]:
    """Positions of the most similar entries of the kind and tag asked for, best first."""
    if kind is None and tag is None:
        depth = min(FUSION_DEPTH, len(similarities))
        top = np.argpartition(-similarities, depth - 1)[:depth] if depth else []
        return sorted(top, key=lambda p: -similarities[p])
    wanted_tag = None if tag is None else tag.lower()
    found = []
    for position in np.argsort(-similarities):
        entry = entries[position]
        if (kind is None or entry.kind == kind) and (
            wanted_tag is None or wanted_tag in entry.tags
        ):
            found.append(int(position))
            if len(found) == FUSION_DEPTH:
                break
    return found
