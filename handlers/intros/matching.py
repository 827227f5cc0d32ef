"""Who meets whom in a round: a maximum-weight matching, not first-come pairing.

Every allowed pair is an edge whose weight encodes, in strict priority order: not met in
the last N rounds ≫ never met before ≫ different organisations ≫ different sectors ≫
number of shared topics. "Strict" holds for the round as a whole, not just for one pair:
each level's multiplier is larger than the most the levels below it can add up to over
every pair of the round, so one more never-met pair always beats any number of
cross-sector pairs, and so on. `networkx.max_weight_matching(maxcardinality=True)` then
finds, among the matchings that pair the most people, the one with the greatest weight.

Rules that are never traded away:
- an excluded pair (either direction) has no edge at all;
- a pair who met in the last N rounds has no edge in the first attempt; only when that
  attempt leaves someone unmatched who could have been matched is the graph rebuilt with
  those pairs at a heavy penalty (they lack the top level), so repeats are as few as
  possible and happen only when nothing else pairs everyone;
- an odd person out makes the round's one trio by the same rules: never with someone they
  excluded or who excluded them, and, while any arrangement allows it, with nobody from
  their own organisation and nobody they met recently. Joining the pair they fit best is
  tried first; when that breaks a rule, they may instead take one person's place in a
  pair while that person joins another pair, whichever gives the round the most weight.

Scale, and the trade-off. networkx's blossom algorithm is pure Python and roughly cubic
in the number of people, and a sparser graph does not rescue it: augmenting paths just
get longer. Measured here (CPU time, bench population): a complete graph over 80 people
takes 0.09 s and over 200 people 1.0 s; a candidate graph (each person's 5 best partners
plus 3 random ones) over 200 people 0.14 s, over 1,000 people 2.3 s, and over all 5,000
people 87 s. So no single graph over 5,000 people fits in 5 s, and the round is split:
- up to `COMPLETE_GRAPH_UP_TO` people: one complete graph, the exact optimum;
- up to `BLOCK_SIZE`: one candidate graph over the whole round. Each person keeps their
  `CANDIDATES` best-weighted partners, which keeps the result at or near the optimum,
  and `RANDOM_EXTRAS` random ones, which keep the graph connected enough that a
  complete matching still exists; the repeat and leftover passes below repair the rare
  case where it does not;
- above that: blocks of at most `BLOCK_SIZE`, each matched as above. People are
  shuffled, sorted by organisation and dealt round-robin, so every block mirrors the
  round's mix of organisations (and so sectors), and a fresh deal each round lets
  anyone meet anyone over time. Whoever a block leaves over is matched with the other
  blocks' leftovers on a complete graph.
What is lost is optimality *across* blocks and beyond each person's candidates: a best
topic match may sit in another block this round. Never-met, cross-organisation and
cross-sector pairs are as available in a representative block as in the whole round, so
those levels lose nothing measurable; shared topics, the lowest level, lose a little.
`bench/intros.py` prints the time and these shares against random pairing: for 5,000
people with 50 rounds of history, about 2.3 s CPU, every pair across organisations, the
most cross-sector pairs the population allows, no repeats, and 2.15 shared topics a
pair against 0.80 for random pairing (complete blocks reach 2.29, in 21 s).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

# See the module docstring for how these were chosen.
BLOCK_SIZE = 200
COMPLETE_GRAPH_UP_TO = 80
CANDIDATES = 5
RANDOM_EXTRAS = 3

Pair = tuple[int, int]
Edge = tuple[int, int, int]


@dataclass(frozen=True)
class Participant:
    member_id: int
    organisation: str
    sector: str
    topics: frozenset[str]


@dataclass(frozen=True)
class Past:
    """What earlier rounds tell the matcher: for each pair (smaller id first) that has met,
    how many rounds ago they last met (1 = the previous round), and which pairs must
    never meet."""

    rounds_ago: Mapping[Pair, int]
    excluded: Collection[Pair]
    recent_rounds: int

    def is_recent(self, pair: Pair) -> bool:
        ago = self.rounds_ago.get(pair)
        return ago is not None and ago <= self.recent_rounds


def pair_key(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def plan_round(
    people: Sequence[Participant], past: Past, rng: random.Random, block_size: int = BLOCK_SIZE
) -> list[tuple[int, ...]]:
    """The round's groups (pairs, and at most a few trios), as sorted member ids."""
    topic_bits = {topic: bit for bit, topic in enumerate({t for p in people for t in p.topics})}
    profiles = [_Profile.of(person, topic_bits) for person in people]
    groups: list[list[_Profile]] = []
    leftovers: list[_Profile] = []
    for block in _deal_into_blocks(profiles, block_size, rng):
        pairs, unmatched = _match(block, past, rng)
        groups += pairs
        leftovers += unmatched
    if len(leftovers) > 1:
        pairs, leftovers = _match(leftovers, past, rng)
        groups += pairs
    if leftovers:
        # Sized so that a total over every pair of the round, trios' three pairs each
        # included, is still compared level by level.
        weights = _Weights(2 * len(profiles), max(p.topics.bit_count() for p in profiles), past)
        for person in leftovers:
            _make_trio(person, groups, weights)
    return [tuple(sorted(p.member_id for p in group)) for group in groups]


@dataclass(frozen=True)
class _Profile:
    """A participant in the form the weights need: organisation compared without case or
    spacing, topics as a bit set so shared topics are one `&` and a bit count."""

    member_id: int
    organisation: str
    sector: str
    topics: int

    @classmethod
    def of(cls, person: Participant, topic_bits: Mapping[str, int]) -> _Profile:
        bits = sum(1 << topic_bits[topic] for topic in person.topics)
        organisation = " ".join(person.organisation.casefold().split())
        return cls(person.member_id, organisation, person.sector, bits)


class _Weights:
    """Edge weights for one graph of `size` people, lexicographic over the whole matching."""

    def __init__(self, size: int, most_topics: int, past: Past) -> None:
        pairs = size // 2 + 1
        # Levels from the least to the most important, with the most each one can add for a
        # pair: shared topics, different sector, different organisation, never met, not
        # a recent repeat.
        maxima = (most_topics, 1, 1, 1, 1)
        multipliers = []
        below = 0
        for most in maxima:
            multiplier = pairs * below + 1
            multipliers.append(multiplier)
            below += most * multiplier
        self.topic, self.sector, self.organisation, self.never_met, self.not_recent = multipliers
        self.past = past

    def __call__(self, a: _Profile, b: _Profile) -> int:
        pair = pair_key(a.member_id, b.member_id)
        # One extra unit per edge keeps every weight positive; with the number of pairs
        # fixed by maxcardinality it adds the same to every matching.
        weight = 1 + (a.topics & b.topics).bit_count() * self.topic
        if a.sector != b.sector:
            weight += self.sector
        if a.organisation != b.organisation:
            weight += self.organisation
        ago = self.past.rounds_ago.get(pair)
        if ago is None:
            weight += self.never_met + self.not_recent
        elif ago > self.past.recent_rounds:
            weight += self.not_recent
        return weight


def _deal_into_blocks(
    people: list[_Profile], block_size: int, rng: random.Random
) -> list[list[_Profile]]:
    count = math.ceil(len(people) / block_size)
    if count <= 1:
        return [people]
    shuffled = people[:]
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda person: person.organisation)
    blocks: list[list[_Profile]] = [[] for _ in range(count)]
    for index, person in enumerate(shuffled):
        blocks[index % count].append(person)
    return blocks


def _match(
    people: list[_Profile], past: Past, rng: random.Random
) -> tuple[list[list[_Profile]], list[_Profile]]:
    """Pairs for `people` and who is left over: first without recent repeats, then, only if
    that strands someone who could be paired, with them at a penalty."""
    weights = _Weights(len(people), max((p.topics.bit_count() for p in people), default=0), past)
    fresh: list[Edge] = []
    recent: list[Edge] = []
    for a, b in itertools.combinations(people, 2):
        pair = pair_key(a.member_id, b.member_id)
        if pair in past.excluded:
            continue
        weight = weights(a, b)
        (recent if weight < weights.not_recent else fresh).append((*pair, weight))
    if len(people) > COMPLETE_GRAPH_UP_TO:
        fresh = _candidates(fresh, rng)
    pairs = _max_weight_pairs(fresh)
    if len(people) - 2 * len(pairs) > len(people) % 2 and recent:
        with_repeats = _max_weight_pairs(fresh + recent)
        if len(with_repeats) > len(pairs):
            pairs = with_repeats
    by_id = {p.member_id: p for p in people}
    matched = {member_id for pair in pairs for member_id in pair}
    return (
        [[by_id[a], by_id[b]] for a, b in pairs],
        [p for p in people if p.member_id not in matched],
    )


def _candidates(edges: list[Edge], rng: random.Random) -> list[Edge]:
    """Each person's `CANDIDATES` best edges plus `RANDOM_EXTRAS` random ones: the best
    keep the matching near the optimum, the random ones keep the graph connected enough
    that everyone can still be paired."""
    by_person: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        by_person[edge[0]].append(edge)
        by_person[edge[1]].append(edge)
    kept: set[Edge] = set()
    for own in by_person.values():
        kept.update(heapq.nlargest(CANDIDATES, own, key=lambda edge: edge[2]))
        kept.update(rng.sample(own, min(RANDOM_EXTRAS, len(own))))
    return list(kept)


def _max_weight_pairs(edges: Iterable[tuple[int, int, int]]) -> list[Pair]:
    graph = nx.Graph()
    graph.add_weighted_edges_from(edges)
    return list(nx.max_weight_matching(graph, maxcardinality=True))


def _make_trio(person: _Profile, groups: list[list[_Profile]], weights: _Weights) -> None:
    """Put `person` in a trio: with the pair they fit best, or, when every such trio would
    pair them with someone from their organisation or someone they met recently, by moving
    one member of a pair into another pair and taking their place, if that scores more."""
    pairs = [group for group in groups if len(group) == 2]
    joins = [
        (_joined_weight(person, pair, weights), pair)
        for pair in pairs
        if _may_join(person, pair, weights.past)
    ]
    best_join = max(joins, key=lambda option: option[0], default=None)
    if best_join is not None and all(_keeps_the_rules(person, o, weights) for o in best_join[1]):
        best_join[1].append(person)
        return
    best_swap: tuple[int, list[_Profile], _Profile, list[_Profile]] | None = None
    for pair in pairs:
        for stays, moves in (pair, pair[::-1]):
            if pair_key(person.member_id, stays.member_id) in weights.past.excluded:
                continue
            change = weights(person, stays) - weights(*pair)
            for other in pairs:
                if other is pair or not _may_join(moves, other, weights.past):
                    continue
                score = change + _joined_weight(moves, other, weights)
                if best_swap is None or score > best_swap[0]:
                    best_swap = (score, pair, moves, other)
    if best_swap is not None and (best_join is None or best_swap[0] > best_join[0]):
        _, pair, moves, other = best_swap
        pair[pair.index(moves)] = person
        other.append(moves)
    elif best_join is not None:
        best_join[1].append(person)


def _joined_weight(person: _Profile, pair: list[_Profile], weights: _Weights) -> int:
    return sum(weights(person, other) for other in pair)


def _may_join(person: _Profile, pair: list[_Profile], past: Past) -> bool:
    return all(pair_key(person.member_id, o.member_id) not in past.excluded for o in pair)


def _keeps_the_rules(a: _Profile, b: _Profile, weights: _Weights) -> bool:
    """Different organisations and not met recently: what every pair gets while it can."""
    return a.organisation != b.organisation and not weights.past.is_recent(
        pair_key(a.member_id, b.member_id)
    )
