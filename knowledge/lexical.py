"""Find entries by the words of a question: exact names, acronyms, typos.

A query is normalised (see `normalise.py`) and stripped of question words; each remaining
word is looked up in an inverted index of entry words. A word the index does not know is
corrected against the words of titles, aliases, tags and summaries (a typo) or matched by a
shared stem ("racist" -> "racism"). Only entries sharing a word with the query are scored,
so a query costs about the same with 70 entries or 10,000.

An entry's score (0-100) blends, for the best of its names (title or alias):
- coverage: how much of the query the entry accounts for, each word weighted by how rare it
  is (rare words say more) and by where the entry has it (that name, over its other names
  and tags, over its summary, over its body). A query word found nowhere counts against
  every entry, which is what turns "best pizza in London" away from "London Councils".
- name similarity: how closely the query reads as that name, or whether it contains it
  whole, which puts "racism" above "structural racism" for the query "racism".
A query that is exactly an entry's title or alias scores 100.
"""

import bisect
import heapq
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.entries import KINDS, Entry
from knowledge.normalise import normalise, words

# Chosen from tests/query_set.yaml (156 member questions, 18 off-topic ones): the right
# entries score 67.3 or more when they come first; the best-scoring wrong first answer
# scores 60.2 ("how did LARCH start"), and no off-topic question scores above 50.4. The
# threshold sits midway between wrong and right; re-measure it when the scoring changes.
CONFIDENT_SCORE = 64.0
# "Did you mean" suggestions: close enough to be worth a button, never shown as the answer,
# and reading like the entry's name (a name the query contains whole is 0.85 or more).
SUGGEST_SCORE = 45.0
SUGGEST_NAME_SIMILARITY = 0.8

# Where an entry has a query word: in the name the query is compared with, it is the
# strongest evidence the entry is what was asked for; in its body, the weakest.
NAME_WEIGHT = 1.0
TAG_WEIGHT = 0.9
OTHER_NAME_WEIGHT = 0.7
SUMMARY_WEIGHT = 0.7
BODY_WEIGHT = 0.45
# "toolkit" in "co-production toolkit" is satisfied by any resource.
KIND_WORD_WEIGHT = 0.9
# Share of the score from coverage; the rest comes from name similarity.
COVERAGE_SHARE = 0.6
# A query naming two entries ("institutional and structural racism") is about both: each
# gets this credit for the words of the other's name.
SIBLING_NAME_WEIGHT = 0.7
# A name the query contains whole ("race" in "is race the same as ethnicity") is this
# similar to it, rising to 1 as the name makes up more of the query.
CONTAINED_NAME_SIMILARITY = 0.85

# Corrections of a word the index does not know: fuzz.ratio at or above the cutoff, or the
# same stem (a shared prefix of at least STEM_PREFIX letters covering 3/4 of the shorter word).
CORRECTION_CUTOFF = 80.0
STEM_PREFIX = 5
STEM_SIMILARITY = 0.8
MAX_CORRECTIONS = 3
# Words shorter than this are acronyms or small words: "ICB" must not become "ICS".
MIN_CORRECTABLE = 5

# Entries given the full comparison, after a cheaper ranking by coverage.
SHORTLIST = 30
# Between entries of equal coverage, the shorter title is shortlisted first; per character.
TIE_BREAK = 1e-6
# A word in the summaries or bodies of more entries than this is too common to find
# candidates by ("health", "local"); it still counts when the candidates are scored.
TEXT_CANDIDATE_LIMIT = 1000
# A pasted paragraph is not a question; its first words are enough to look for one.
MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 12

# Words that frame a question rather than say what it is about.
QUESTION_WORDS = frozenset(
    words(
        """
        a about acceptable actually also am an and any anyone anything appropriate are as at
        basically be been being between briefly can could compare define definition describe
        detail details did difference differ different do does doing easy exactly example
        explain explained find fine for from get give good hello help hey hi how i in info
        information instead into is it its just know like look looking me mean meaning means
        meant more my need not of ok okay on or our out please pls quick quickly rather read
        same say saying search see short show similar simple simply so some someone
        something stand stands still tell term thank thanks that the their them there these
        they this those to understand up us use used using versus vs want was we were what
        when where which who whom whose why will with word would you your
        """
    )
)
# Plural and US forms come out of `words` already singular and British.
KIND_WORDS = {
    "definition": "definition",
    "org": "organisation",
    "organisation": "organisation",
    "resource": "resource",
    "toolkit": "resource",
}
_LINK = re.compile(r"https?://\S+|\]\([^)]*\)")
# A query this short reads as a name; a longer one as a question in the member's words.
NAME_LIKE_WORDS = 5
# A word in more than this share of entries is common currency, never a name swapped in.
COMMON_WORD_SHARE = 0.2
# Words written as names: capitalised, not at the start of a sentence.
_CAPITALISED = re.compile(r"(?<=[a-z,:;] )[A-Z][A-Za-z]+")


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class _Term:
    """A query word: the index words it stands for (with similarity) and what it weighs."""

    matches: tuple[tuple[str, float], ...]
    weight: float
    kind: str | None


@dataclass(frozen=True)
class _Query:
    terms: tuple[_Term, ...]
    # The words as typed, then (when different) with each typo corrected.
    texts: tuple[str, ...]
    # The words typed (1.0) and the best correction of each, with its similarity.
    words: dict[str, float]
    size: int
    weight: float


class LexicalIndex:
    """Entries indexed by their words; build once, add approved entries as they come."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries: list[Entry] = []
        self._positions: dict[str, int] = {}
        self._names: list[tuple[tuple[str, frozenset[str]], ...]] = []
        self._name_words: list[frozenset[str]] = []
        # The words of an entry's names and tags: what it is about, at a glance.
        self._headline_words: list[frozenset[str]] = []
        self._title_lengths: list[int] = []
        self._tags: list[frozenset[str]] = []
        self._all_tags: set[str] = set()
        self._tag_words: list[frozenset[str]] = []
        self._exact: dict[str, list[int]] = {}
        # first word of a name -> (entry position, the name's words): names in a query.
        self._names_by_first_word: dict[str, list[tuple[int, frozenset[str]]]] = {}
        # word -> entry position -> weight, for the words of names and tags, and for the
        # words of summaries and bodies; and how many entries have the word anywhere.
        self._heading_postings: dict[str, dict[int, float]] = {}
        self._text_postings: dict[str, dict[int, float]] = {}
        self._entry_counts: dict[str, int] = {}
        # Words of titles, aliases, tags and summaries: what a typo is corrected towards.
        self._vocabulary: set[str] = set()
        self._vocabulary_sorted: list[str] = []
        # (letter position, letter, word length) -> words: where typos are looked for.
        self._typo_buckets: dict[tuple[int, str, int], list[str]] = {}
        for entry in entries:
            self.add(entry)

    @property
    def entries(self) -> Sequence[Entry]:
        return tuple(self._entries)

    @property
    def positions(self) -> Mapping[str, int]:
        """Each entry's position, in the order entries were added."""
        return self._positions

    def get(self, entry_id: str) -> Entry | None:
        position = self._positions.get(entry_id)
        return None if position is None else self._entries[position]

    def is_tag(self, word: str) -> bool:
        return normalise(word) in self._all_tags

    def kind_of(self, word: str) -> str | None:
        """The kind a word names ("toolkits", "orgs", "definitions"), else None."""
        return KIND_WORDS.get(normalise(word))

    def add(self, entry: Entry) -> None:
        if entry.id in self._positions:
            raise ValueError(f"entry {entry.id!r} is already in the index")
        position = len(self._entries)
        self._entries.append(entry)
        self._positions[entry.id] = position
        keys = dict.fromkeys(key for key in map(name_key, (entry.title, *entry.aliases)) if key)
        names = tuple((key, frozenset(key.split())) for key in keys)
        self._names.append(names)
        self._title_lengths.append(len(names[0][0]) if names else 0)
        self._name_words.append(frozenset().union(*(name_words for _, name_words in names)))
        for key, name_words in names:
            self._exact.setdefault(key, []).append(position)
            first_word = key.split(maxsplit=1)[0]
            self._names_by_first_word.setdefault(first_word, []).append((position, name_words))
        tags = frozenset(normalise(tag) for tag in entry.tags)
        self._tags.append(tags)
        self._all_tags |= tags
        tag_words = frozenset(" ".join(tags).split())
        self._tag_words.append(tag_words)
        summary_words = set(words(entry.summary)) - QUESTION_WORDS
        body_words = set(words(f"{_LINK.sub(' ', entry.body)} {entry.source or ''}"))
        body_words -= QUESTION_WORDS
        self._post(position, tag_words, TAG_WEIGHT, self._heading_postings)
        self._post(position, self._name_words[position], NAME_WEIGHT, self._heading_postings)
        self._post(position, body_words, BODY_WEIGHT, self._text_postings)
        self._post(position, summary_words, SUMMARY_WEIGHT, self._text_postings)
        headings = self._name_words[position] | tag_words
        self._headline_words.append(frozenset(headings))
        for word in headings | summary_words | body_words:
            self._entry_counts[word] = self._entry_counts.get(word, 0) + 1
        for word in (headings | summary_words) - self._vocabulary:
            self._vocabulary.add(word)
            bisect.insort(self._vocabulary_sorted, word)
            for at, letter in enumerate(word[:2]):
                self._typo_buckets.setdefault((at, letter, len(word)), []).append(word)

    def search(
        self, query: str, *, kind: str | None = None, tag: str | None = None, limit: int = 5
    ) -> list[Match]:
        """The entries that answer `query`, best first; [] when none does with confidence."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        return self._ranked(self._parse(query), kind, tag, CONFIDENT_SCORE)[:limit]

    def scored(
        self, query: str, *, kind: str | None = None, tag: str | None = None, floor: float
    ) -> list[Match]:
        """Every entry scoring at least `floor`, best first: evidence for the fused search."""
        return self._ranked(self._parse(query), kind, tag, floor)

    def near_misses(self, query: str, entry_ids: Iterable[str]) -> set[str]:
        """The entries among `entry_ids` that the query names something else beside: "the
        Race Disparity Unit" for the Race Equality Foundation, "gender pay gap" for the
        ethnicity pay gap. Such a question is about a thing the knowledge base does not
        hold; the entry is a neighbour, not the answer.

        It is a near miss when the query has a word of one of the entry's names where,
        next to it, the name has a word the query lacks and the query has a word that is not
        in the entry's names or tags, even read as a typo: one word of a name swapped for
        another. (The ethnicity pay gap's summary has "gender", as what it is unlike.)
        Only a question that reads as a name is judged so: a short one ("gender pay gap
        reporting deadline"), or one that writes the swapped word as a name ("how does the
        Race Disparity Unit work"). In a longer question, words beside a name are the
        member's own ("the disability version of the WRES") and prove nothing.
        """
        typed = [w for w in words(query[:MAX_QUERY_CHARS]) if w not in QUESTION_WORDS]
        typed = typed[:MAX_QUERY_WORDS]
        readings = [{word, *(m for m, _ in self._resolve(word))} for word in typed]
        if len(typed) <= NAME_LIKE_WORDS:
            suspects = set(typed)
        else:
            suspects = {w for w in words(" ".join(_CAPITALISED.findall(query))) if w in typed}
        everything = set().union(*readings)
        # A word of another name the question holds whole ("structural racism" beside
        # "institutional racism", "WRES" beside "WDES") compares two things the knowledge
        # base has; a word many entries use ("communities") is the member's framing.
        held = self._held_name_words(everything)
        suspects = {
            word
            for word, reading in zip(typed, readings, strict=True)
            if word in suspects
            and not reading & held
            and self._entry_counts.get(word, 0) <= COMMON_WORD_SHARE * len(self._entries)
        }
        found = set()
        for entry_id in entry_ids:
            position = self._positions.get(entry_id)
            if position is not None and self._swaps_a_name_word(
                position, typed, readings, everything, suspects
            ):
                found.add(entry_id)
        return found

    def _held_name_words(self, everything: set[str]) -> set[str]:
        """The words of every entry name that `everything` (a query's words) holds whole."""
        held: set[str] = set()
        for word in everything:
            for _, name_words in self._names_by_first_word.get(word, ()):
                if name_words <= everything:
                    held |= name_words
        return held

    def _swaps_a_name_word(
        self,
        position: int,
        typed: Sequence[str],
        readings: Sequence[set[str]],
        everything: set[str],
        suspects: set[str],
    ) -> bool:
        known = self._headline_words[position]
        for key, _ in self._names[position]:
            name = key.split()
            for at, reading in enumerate(readings):
                for index, name_word in enumerate(name):
                    if name_word not in reading:
                        continue
                    for step in (-1, 1):
                        query_at, name_at = at + step, index + step
                        if not (0 <= query_at < len(readings) and 0 <= name_at < len(name)):
                            continue
                        swapped = typed[query_at] in suspects and not readings[query_at] & known
                        if swapped and name[name_at] not in everything:
                            return True
        return False

    def closest(self, query: str, *, limit: int = 3) -> list[Match]:
        """Weaker matches worth suggesting when `search` finds nothing; [] for nonsense.

        A suggestion must also read like one of its names: a word that turns up in its
        summary ("over time") or a long-shot correction ("scores" -> "SCWRES") is a
        coincidence, not a lead.
        """
        parsed = self._parse(query)
        return self._ranked(parsed, None, None, SUGGEST_SCORE, SUGGEST_NAME_SIMILARITY)[:limit]

    def _ranked(
        self,
        query: _Query | None,
        kind: str | None,
        tag: str | None,
        threshold: float,
        name_similarity: float = 0.0,
    ) -> list[Match]:
        """Matches scoring at least `threshold` whose best name is at least that similar."""
        if query is None:
            return []
        wanted_tag = normalise(tag) if tag is not None else None

        def wanted(position: int) -> bool:
            return (kind is None or self._entries[position].kind == kind) and (
                wanted_tag is None or wanted_tag in self._tags[position]
            )

        # The least coverage that, with a name matching perfectly, could reach the threshold.
        needed = (threshold / 100 - (1 - COVERAGE_SHARE)) / COVERAGE_SHARE
        candidates = self._candidates(query, needed)
        if kind is not None or tag is not None:
            candidates = {p: value for p, value in candidates.items() if wanted(p)}
        # Only the words as typed: a corrected typo is a near miss, not an exact hit.
        exact = {p for p in self._exact.get(query.texts[0], ()) if wanted(p)}
        named = {p: name for p, name in self._contained_names(query).items() if wanted(p)}
        # Many entries may be named by one common word; the longest names say the most.
        named = dict(heapq.nlargest(SHORTLIST, named.items(), key=lambda item: len(item[1])))
        shortlist = heapq.nlargest(SHORTLIST, candidates, key=candidates.__getitem__)
        siblings = _sibling_words(named)
        scored = []
        for position in dict.fromkeys([*exact, *named, *shortlist]):
            if position in exact:
                score, similarity = 100.0, 1.0
            else:
                sibling_words = siblings.get(position, frozenset())
                score, similarity = self._score(position, query, sibling_words)
            if score >= threshold and similarity >= name_similarity:
                scored.append(Match(self._entries[position], round(score, 1)))
        scored.sort(key=lambda match: (-match.score, match.entry.title))
        return scored

    def _parse(self, query: str) -> _Query | None:
        """The query's words resolved against the index; None when it has none to look for."""
        typed = [w for w in words(query[:MAX_QUERY_CHARS]) if w not in QUESTION_WORDS]
        typed = typed[:MAX_QUERY_WORDS]
        # A kind word narrows a query ("co-production toolkit"); alone, it is the query.
        only_kinds = all(word in KIND_WORDS for word in typed)
        terms, corrected = [], []
        for word in typed:
            matches = tuple(self._resolve(word))
            kind = None if only_kinds else KIND_WORDS.get(word)
            terms.append(_Term(matches, self._weight(matches), kind))
            corrected.append(matches[0][0] if matches else word)
        if not terms:
            return None
        texts = tuple(dict.fromkeys((" ".join(typed), " ".join(corrected))))
        total = sum(term.weight for term in terms)
        similar = {word: similarity for term in terms for word, similarity in term.matches[:1]}
        found = similar | dict.fromkeys(typed, 1.0)
        return _Query(tuple(terms), texts, found, len(set(typed)), total)

    def _candidates(self, query: _Query, needed: float) -> dict[int, float]:
        """Entries sharing a word with the query that could have the coverage `needed`,
        with the coverage found so far (ties going to the shorter title)."""
        covered: dict[int, float] = {}
        # Coverage an entry may have without being seen here: kind words, and words in the
        # text of so many entries that they are too common to find candidates by.
        unseen = 0.0
        for term in query.terms:
            if term.kind is not None:
                unseen += term.weight
                continue
            # A query word may stand for several index words; an entry counts its best one.
            best: dict[int, float] = {}
            too_common = 0.0
            for word, similarity in term.matches:
                postings = [self._heading_postings.get(word, {})]
                text_postings = self._text_postings.get(word, {})
                if len(text_postings) <= TEXT_CANDIDATE_LIMIT:
                    postings.append(text_postings)
                else:
                    too_common = max(too_common, similarity * SUMMARY_WEIGHT)
                for entry_weights in postings:
                    for position, field_weight in entry_weights.items():
                        value = similarity * field_weight
                        if value > best.get(position, 0.0):
                            best[position] = value
            unseen += term.weight * too_common
            for position, value in best.items():
                covered[position] = covered.get(position, 0.0) + term.weight * value
        floor = needed * query.weight - unseen
        return {
            position: value / query.weight - self._title_lengths[position] * TIE_BREAK
            for position, value in covered.items()
            if value >= floor
        }

    def _contained_names(self, query: _Query) -> dict[int, frozenset[str]]:
        """Entries with a name the query contains whole, and the longest such name."""
        contained: dict[int, frozenset[str]] = {}
        for word in query.words:
            for position, name in self._names_by_first_word.get(word, ()):
                if name <= query.words.keys() and len(name) > len(contained.get(position, ())):
                    contained[position] = name
        return contained

    def _score(self, position: int, query: _Query, siblings: frozenset[str]) -> tuple[float, float]:
        """The entry's score against its best name, and how like a name the query reads."""
        best = best_similarity = 0.0
        for key, name_words in self._names[position]:
            covered = sum(
                term.weight * self._found(term, position, name_words, siblings)
                for term in query.terms
            )
            similarity = max(fuzz.token_sort_ratio(text, key) for text in query.texts) / 100
            if name_words <= query.words.keys():
                # As sure as the least sure correction it took to read the name in the query.
                sureness = min(query.words[word] for word in name_words)
                share = min(1.0, len(name_words) / query.size)
                contained = CONTAINED_NAME_SIMILARITY + (1 - CONTAINED_NAME_SIMILARITY) * share
                similarity = max(similarity, sureness * contained)
            coverage = covered / query.weight
            score = 100 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * similarity)
            best = max(best, score)
            best_similarity = max(best_similarity, similarity)
        return best, best_similarity

    def _found(
        self, term: _Term, position: int, name_words: frozenset[str], siblings: frozenset[str]
    ) -> float:
        """How well the entry, read through one of its names, accounts for a query word."""
        value = 0.0
        if term.kind is not None and self._entries[position].kind == term.kind:
            value = KIND_WORD_WEIGHT
        for word, similarity in term.matches:
            if word in name_words:
                field_weight = NAME_WEIGHT
            else:
                field_weight = self._text_postings.get(word, {}).get(position, 0.0)
                if word in self._tag_words[position]:
                    field_weight = max(field_weight, TAG_WEIGHT)
                if word in self._name_words[position]:
                    field_weight = max(field_weight, OTHER_NAME_WEIGHT)
                if word in siblings:
                    field_weight = max(field_weight, SIBLING_NAME_WEIGHT)
            value = max(value, similarity * field_weight)
        return value

    def _resolve(self, word: str) -> list[tuple[str, float]]:
        """Index words `word` stands for, with how sure that is (1.0 for the word itself)."""
        if word in self._vocabulary:
            return [(word, 1.0)]
        found: dict[str, float] = {}
        if word in self._entry_counts:
            found[word] = 1.0
        if len(word) >= MIN_CORRECTABLE and not word.isdigit():
            for correction, score, _ in process.extract(
                word,
                self._typo_candidates(word),
                scorer=fuzz.ratio,
                score_cutoff=CORRECTION_CUTOFF,
                limit=MAX_CORRECTIONS,
            ):
                found[correction] = max(found.get(correction, 0.0), score / 100)
            for stem_mate in self._same_stem(word):
                found[stem_mate] = max(found.get(stem_mate, 0.0), STEM_SIMILARITY)
        return sorted(found.items(), key=lambda item: -item[1])[: MAX_CORRECTIONS + 1]

    def _typo_candidates(self, word: str) -> list[str]:
        """Vocabulary words that `word` could be a typo of: the same first or second letter
        (few typos change both), and lengths within fuzz.ratio's reach of the cutoff (it
        cannot reach it when one word is over half as long again as the other)."""
        lengths = range(math.ceil(len(word) * 2 / 3), len(word) * 3 // 2 + 1)
        found = dict.fromkeys(
            known
            for at, letter in enumerate(word[:2])
            for length in lengths
            for known in self._typo_buckets.get((at, letter, length), ())
        )
        return list(found)

    def _same_stem(self, word: str) -> Iterator[str]:
        prefix = word[:STEM_PREFIX]
        vocabulary = self._vocabulary_sorted
        for index in range(bisect.bisect_left(vocabulary, prefix), len(vocabulary)):
            known = vocabulary[index]
            if not known.startswith(prefix):
                break
            if _shared_prefix(known, word) * 4 >= 3 * min(len(known), len(word)):
                yield known

    def _weight(self, matches: Sequence[tuple[str, float]]) -> float:
        """How much a query word says: rare words more; unknown words most of all."""
        found_in = self._entry_counts[matches[0][0]] if matches else 0
        return math.log(1 + (len(self._entries) + 1) / (found_in + 0.5))

    @staticmethod
    def _post(
        position: int,
        found: set[str] | frozenset[str],
        weight: float,
        postings: dict[str, dict[int, float]],
    ) -> None:
        # Later calls for the same entry carry the higher weight, so they simply overwrite.
        for word in found:
            postings.setdefault(word, {})[position] = weight


def _sibling_words(contained: dict[int, frozenset[str]]) -> dict[int, frozenset[str]]:
    """For entries whose name the query contains whole, the words that the other contained
    names account for. A name inside a longer contained name ("racism" in "structural
    racism") is part of that concept, not a sibling of it."""
    widest = {
        position: name
        for position, name in contained.items()
        if not any(name < other for other in contained.values())
    }
    return {
        position: frozenset().union(*(o for p, o in widest.items() if p != position)) - name
        for position, name in widest.items()
    }


def name_key(name: str) -> str:
    """A name as compared with a query: normalised, question words dropped."""
    all_words = words(name)
    return " ".join(w for w in all_words if w not in QUESTION_WORDS) or " ".join(all_words)


def _shared_prefix(first: str, second: str) -> int:
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return size
