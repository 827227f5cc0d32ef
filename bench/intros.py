"""How fast and how good is the intros matching for 5,000 participants with 50 rounds of
history, against random pairing of the same people in the same run?

The population is generated (seeded, so runs compare): organisations of very different
sizes (a few large NHS trusts and councils, many small groups), each in one sector;
two to four topics per person, some topics far more popular than others; a few private
exclusions; and 50 earlier rounds of random pairings as history. It then times one round
of `plan_round` and prints, for it and for a random pairing: cross-organisation and
cross-sector shares, repeats (met before at all, and within the last N rounds), shared
topics per pair and excluded pairs.

    python bench/intros.py [--people 5000] [--rounds 50] [--recent 6] [--seed 7]
"""

import argparse
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.intros.matching import Pair, Participant, Past, pair_key, plan_round
from handlers.intros.profile import SECTORS, TOPICS

SECTOR_SHARE = (0.35, 0.08, 0.25, 0.1, 0.07, 0.12, 0.03)


def population(size: int, rng: random.Random) -> list[Participant]:
    organisations: list[tuple[str, str, float]] = []
    for number in range(1, size // 25 + 1):
        sector = rng.choices(SECTORS, SECTOR_SHARE)[0]
        # Zipf-like sizes: organisation 1 is about a tenth of everyone.
        organisations.append((f"Organisation {number}", sector, 1 / number))
    topic_popularity = [1 / (rank + 1) ** 0.7 for rank in range(len(TOPICS))]
    people = []
    for member_id in range(1, size + 1):
        name, sector, _ = rng.choices(organisations, [w for *_, w in organisations])[0]
        topics = set()
        while len(topics) < rng.randint(2, 4):
            topics.add(rng.choices(TOPICS, topic_popularity)[0])
        people.append(Participant(member_id, name, sector, frozenset(topics)))
    return people


def random_pairing(people: Sequence[Participant], rng: random.Random) -> list[tuple[int, ...]]:
    ids = [p.member_id for p in people]
    rng.shuffle(ids)
    groups = [tuple(ids[i : i + 2]) for i in range(0, len(ids) - 1, 2)]
    if len(ids) % 2:
        groups[-1] += (ids[-1],)
    return groups


def history(people: Sequence[Participant], rounds: int, rng: random.Random) -> dict[Pair, int]:
    rounds_ago: dict[Pair, int] = {}
    for ago in range(rounds, 0, -1):
        for group in random_pairing(people, rng):
            for a, b in itertools.combinations(group, 2):
                rounds_ago[pair_key(a, b)] = ago
    return rounds_ago


@dataclass(frozen=True)
class Quality:
    cross_organisation: float
    cross_sector: float
    met_before: float
    recent_repeat: float
    shared_topics: float
    excluded: int
    unpaired: int


def quality(
    groups: Sequence[tuple[int, ...]], people: Sequence[Participant], past: Past
) -> Quality:
    by_id = {p.member_id: p for p in people}
    pairs = [pair_key(a, b) for group in groups for a, b in itertools.combinations(group, 2)]

    def share(test) -> float:  # type: ignore[no-untyped-def]
        return sum(1 for pair in pairs if test(by_id[pair[0]], by_id[pair[1]], pair)) / len(pairs)

    return Quality(
        cross_organisation=share(lambda a, b, _: a.organisation != b.organisation),
        cross_sector=share(lambda a, b, _: a.sector != b.sector),
        met_before=share(lambda a, b, pair: pair in past.rounds_ago),
        recent_repeat=share(lambda a, b, pair: past.is_recent(pair)),
        shared_topics=sum(len(by_id[a].topics & by_id[b].topics) for a, b in pairs) / len(pairs),
        excluded=sum(1 for pair in pairs if pair in past.excluded),
        unpaired=len(people) - sum(len(group) for group in groups),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--recent", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(options.seed)

    people = population(options.people, rng)
    ids = [p.member_id for p in people]
    excluded = {pair_key(*rng.sample(ids, 2)) for _ in range(len(people) // 50)}
    past = Past(history(people, options.rounds, rng), excluded, options.recent)
    sector, largest = Counter(p.sector for p in people).most_common(1)[0]
    print(
        f"{len(people):,} participants in {len({p.organisation for p in people})} "
        f"organisations; {options.rounds} rounds of history ({len(past.rounds_ago):,} pairs "
        f"met); {len(excluded)} exclusions; no repeats within {options.recent} rounds.\n"
        f"The largest sector ({sector}) is {largest / len(people):.0%} of everyone, so at most "
        f"{min(1.0, 2 * (1 - largest / len(people))):.1%} of pairs can cross sectors."
    )

    started, cpu_started = time.perf_counter(), time.process_time()
    ours = plan_round(people, past, random.Random(options.seed))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    baseline = random_pairing(people, random.Random(options.seed))

    # CPU time as well as wall time: on a shared machine the wall clock includes waiting.
    print(f"\nplan_round: {elapsed:.2f} s ({cpu:.2f} s CPU) for {len(ours):,} groups\n")
    rows = [("matching", quality(ours, people, past)), ("random", quality(baseline, people, past))]
    print(
        f"{'':10} {'cross-org':>10} {'cross-sector':>13} {'met before':>11} "
        f"{'recent repeat':>14} {'shared topics':>14} {'excluded':>9} {'unpaired':>9}"
    )
    for name, q in rows:
        print(
            f"{name:10} {q.cross_organisation:>10.1%} {q.cross_sector:>13.1%} "
            f"{q.met_before:>11.2%} {q.recent_repeat:>14.2%} {q.shared_topics:>14.2f} "
            f"{q.excluded:>9} {q.unpaired:>9}"
        )


if __name__ == "__main__":
    main()
