"""Find the entries that answer a member's question, and say nothing when none does.

Two searches read every question. The lexical one (`lexical.py`) is sure of exact names,
acronyms and typos ("WRES", "structual racism"); the semantic one (`semantic.py`) finds
questions in a member's own words ("the thing where trusts report staff ethnicity data
every year"). Their rankings are fused by reciprocal rank, and what to do with the best
entry rests on both scores:

- answer it, when its blended score (lexical share plus semantic similarity) clears
  ANSWER_SCORE, or the question is exactly one of its names;
- offer it as "Did you mean…", when it clears SUGGEST_SCORE: close, but not sure;
- say "I don't have that" otherwise. A near miss ("what is the Race Disparity Unit"
  shares two words with the Race Equality Foundation) scores high lexically and low
  semantically, and the blend keeps it below the answer line.

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

__all__ = ["Lookup", "Match", "SearchIndex"]

# Lexical scores below this are not evidence: any entry sharing a common word gets one.
LEXICAL_FLOOR = 30.0
# Share of the blended score from the lexical score (0-1); the rest is cosine similarity.
LEXICAL_SHARE = 0.35
ANSWER_SCORE = 0.60
SUGGEST_SCORE = 0.45
# How many of each ranking the fusion considers, and reciprocal rank's damping constant.
FUSION_DEPTH = 20
RRF_K = 60
SUGGESTIONS = 3
ORDER = "rrf"


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

    def __init__(self, entries: Sequence[Entry], model: Model | None = None) -> None:
        self._lexical = LexicalIndex(entries)
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
        semantic = self._semantic
        if semantic is None:
            answers = self._lexical.search(query, kind=kind, tag=tag)
            suggestions = [] if answers else self._lexical.closest(query, limit=SUGGESTIONS)
            return Lookup(answers, suggestions)
        ranked = self._fused(query, semantic, kind, tag)
        answers = [m for m in ranked if m.score >= ANSWER_SCORE * 100]
        if answers:
            return Lookup(answers)
        return Lookup([], [m for m in ranked if m.score >= SUGGEST_SCORE * 100][:SUGGESTIONS])

    def ranked(
        self, query: str, *, kind: str | None = None, tag: str | None = None, limit: int = 10
    ) -> list[Match]:
        """Everything worth showing for `query`, most relevant first (for `find`)."""
        found = self.lookup(query, kind=kind, tag=tag)
        if self._semantic is None:
            lexical = self._lexical.scored(query, kind=kind, tag=tag, floor=LEXICAL_FLOOR)
            return (found.answers or lexical)[:limit]
        ranked = self._fused(query, self._semantic, kind, tag)
        return [m for m in ranked if m.score >= SUGGEST_SCORE * 100][:limit]

    def wait_for_semantic(self, timeout: float | None = None) -> bool:
        """Block until semantic search is on (True), or the model failed or timed out."""
        if self._model is None:
            return False
        self._model.settled.wait(timeout)
        return self.semantic_ready.wait(0 if self._model.failed else timeout)

    def _fused(
        self, query: str, semantic: SemanticIndex, kind: str | None, tag: str | None
    ) -> list[Match]:
        """Every entry either search ranks near the top, by reciprocal rank, scored by
        blending the two (0-100); an exact name scores 100."""
        entries = self.entries
        lexical = self._lexical.scored(query, kind=kind, tag=tag, floor=LEXICAL_FLOOR)
        lexical_scores = {m.entry.id: m.score for m in lexical[:FUSION_DEPTH]}
        similarities = semantic.similarities(query)[: len(entries)]
        allowed = [
            p
            for p in np.argsort(-similarities)
            if (kind is None or entries[p].kind == kind)
            and (tag is None or tag.lower() in entries[p].tags)
        ][:FUSION_DEPTH]
        fusion: dict[str, float] = {}
        for rank, entry_id in enumerate(lexical_scores):
            fusion[entry_id] = 1 / (RRF_K + rank)
        by_id = {m.entry.id: m.entry for m in lexical}
        for rank, position in enumerate(allowed):
            entry = entries[position]
            by_id[entry.id] = entry
            fusion[entry.id] = fusion.get(entry.id, 0.0) + 1 / (RRF_K + rank)
        positions = {entry.id: p for p, entry in enumerate(entries)}
        matches = []
        for entry_id in sorted(fusion, key=lambda i: -fusion[i]):
            lexical_score = lexical_scores.get(entry_id, 0.0)
            similarity = float(similarities[positions[entry_id]])
            blended = LEXICAL_SHARE * lexical_score / 100 + (1 - LEXICAL_SHARE) * similarity
            score = 100.0 if lexical_score >= 100 else round(100 * blended, 1)
            matches.append(Match(by_id[entry_id], score))
        if ORDER == "blend":
            matches.sort(key=lambda m: -m.score)
        return matches

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
