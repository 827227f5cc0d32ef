"""The matching: a whole-round optimum that avoids repeats while it can, never pairs an
excluded pair, makes one trio from an odd count, and prefers, in order, new people, other
organisations, other sectors and shared topics."""

import itertools
import random
from collections.abc import Sequence

from handlers.intros.matching import Pair, Participant, Past, pair_key, plan_round


def person(
    member_id: int, organisation: str = "", sector: str = "NHS trust", topics: str = ""
) -> Participant:
    return Participant(
        member_id,
        organisation or f"Organisation {member_id}",
        sector,
        frozenset(filter(None, topics.split(","))),
    )


def past(
    rounds_ago: dict[Pair, int] | None = None,
    excluded: Sequence[Pair] = (),
    recent_rounds: int = 6,
) -> Past:
    return Past(
        {pair_key(*pair): ago for pair, ago in (rounds_ago or {}).items()},
        {pair_key(*pair) for pair in excluded},
        recent_rounds,
    )


def plan(people: Sequence[Participant], history: Past, seed: int = 1) -> set[tuple[int, ...]]:
    return set(plan_round(people, history, random.Random(seed)))


def pairs_in(groups: Sequence[tuple[int, ...]]) -> set[Pair]:
    return {pair_key(a, b) for group in groups for a, b in itertools.combinations(group, 2)}


def everyone_once(groups: Sequence[tuple[int, ...]], people: Sequence[Participant]) -> bool:
    placed = [member for group in groups for member in group]
    return sorted(placed) == sorted(p.member_id for p in people)


def test_nobody_meets_a_recent_partner_while_anyone_else_is_free() -> None:
    people = [person(n) for n in range(1, 5)]
    groups = plan(people, past({(1, 2): 1, (3, 4): 1, (1, 3): 6}))
    assert groups == {(1, 4), (2, 3)}


def test_a_repeat_is_allowed_only_when_someone_would_otherwise_be_left_out() -> None:
    people = [person(n) for n in range(1, 5)]
    # 1 excluded 3 and 4, so 1 can only meet 2, whom 1 met last round.
    history = past({(1, 2): 1}, excluded=[(1, 3), (4, 1)])
    assert plan(people, history) == {(1, 2), (3, 4)}


def test_only_meetings_inside_the_window_count_as_recent_repeats() -> None:
    people = [person(n) for n in range(1, 5)]
    met = {(1, 2): 7, (3, 4): 7, (1, 3): 2}
    # With a window of 6 rounds, 1 and 3 met recently: the pairs who met 7 rounds ago
    # meet again rather than them. With a window of 1, 1 and 3 are fair game again, and
    # 2 and 4 have never met.
    assert plan(people, past(met, excluded=[(1, 4)], recent_rounds=6)) == {(1, 2), (3, 4)}
    assert plan(people, past(met, excluded=[(1, 4)], recent_rounds=1)) == {(1, 3), (2, 4)}


def test_excluded_pairs_never_meet_in_any_round_or_trio() -> None:
    rng = random.Random(5)
    people = [person(n, f"Org {n % 4}", topics="data") for n in range(1, 24)]
    excluded = [tuple(rng.sample(range(1, 24), 2)) for _ in range(60)]
    rounds: list[set[tuple[int, ...]]] = []
    for seed in range(8):
        history = {
            pair: ago
            for ago, groups in enumerate(reversed(rounds), 1)
            for pair in pairs_in(list(groups))
        }
        groups = plan(people, past(history, excluded), seed)
        assert not pairs_in(list(groups)) & {pair_key(*pair) for pair in excluded}
        rounds.append(groups)


def test_someone_everyone_excluded_sits_out_rather_than_meeting_them() -> None:
    people = [person(n) for n in range(1, 6)]
    groups = plan(people, past(excluded=[(5, 1), (2, 5), (5, 3), (4, 5)]))
    assert all(5 not in group for group in groups)
    assert everyone_once(groups, people[:4])


def test_an_odd_count_makes_exactly_one_trio_and_places_everyone_once() -> None:
    people = [person(n) for n in range(1, 8)]
    groups = plan(people, past())
    assert sorted(len(group) for group in groups) == [2, 2, 3]
    assert everyone_once(list(groups), people)


def test_the_odd_one_out_joins_the_pair_they_fit_best_and_never_an_excluded_person() -> None:
    people = [
        person(1, "Camden", "local authority", "data"),
        person(2, "Barts", "NHS trust", "data"),
        person(3, "Camden", "local authority", "REMI"),
        person(4, "Barts", "NHS trust", "REMI"),
        person(5, "Mind", "voluntary/community", "REMI"),
    ]
    # 5 has met everyone before, so 5 is the odd one out.
    met = {(5, n): 8 for n in range(1, 5)}
    assert plan(people, past(met)) == {(1, 2), (3, 4, 5)}
    # 5 fits the REMI pair best, but excluded 4: they join the data pair instead.
    assert plan(people, past(met, excluded=[(5, 4)])) == {(1, 2, 5), (3, 4)}


def test_three_people_with_an_exclusion_make_a_pair_and_no_trio() -> None:
    people = [person(n) for n in range(1, 4)]
    groups = plan(people, past(excluded=[(1, 3)]))
    assert len(groups) == 1 and len(next(iter(groups))) == 2


def test_never_met_outranks_another_organisation() -> None:
    people = [person(1, "A"), person(2, "A"), person(3, "B"), person(4, "B")]
    history = past({(1, 3): 9, (1, 4): 9, (2, 3): 9, (2, 4): 9})
    assert plan(people, history) == {(1, 2), (3, 4)}


def test_another_organisation_outranks_another_sector() -> None:
    people = [
        person(1, "A", "NHS trust"),
        person(2, "B", "NHS trust"),
        person(3, "A", "local authority"),
        person(4, "B", "local authority"),
    ]
    # With 1-4 excluded, it is either two cross-organisation pairs in one sector each,
    # or two cross-sector pairs inside one organisation each.
    assert plan(people, past(excluded=[(1, 4)])) == {(1, 2), (3, 4)}


def test_another_sector_outranks_shared_topics() -> None:
    people = [
        person(1, sector="NHS trust", topics="data,workforce,REMI"),
        person(2, sector="NHS trust", topics="data,workforce,REMI"),
        person(3, sector="local authority"),
        person(4, sector="local authority"),
    ]
    assert plan(people, past()) in ({(1, 3), (2, 4)}, {(1, 4), (2, 3)})


def test_shared_topics_decide_between_otherwise_equal_partners() -> None:
    people = [
        person(1, topics="data,REMI"),
        person(2, topics="leadership"),
        person(3, topics="REMI,data"),
        person(4, topics="leadership,policy"),
    ]
    assert plan(people, past()) == {(1, 3), (2, 4)}


def test_priority_holds_over_the_whole_round_not_pair_by_pair() -> None:
    # Two people from each of four organisations. Everyone met everyone 8 rounds ago
    # except the pairs below. Teammates pairing up gives 4 never-met pairs, none across
    # organisations; the best mix gives 3 never-met pairs, all 4 across organisations.
    # Weights that ranked pair by pair would take the mix; one more never-met pair must
    # win for the round as a whole.
    people = [person(n, f"Org {(n - 1) // 2}") for n in range(1, 9)]
    never_met = {(1, 2), (3, 4), (5, 6), (7, 8), (1, 3), (2, 5), (4, 7)}
    met = {pair: 8 for pair in itertools.combinations(range(1, 9), 2) if pair not in never_met}
    assert plan(people, past(met)) == {(1, 2), (3, 4), (5, 6), (7, 8)}


def greedy_first_come(people: Sequence[Participant], history: Past) -> list[tuple[int, ...]]:
    """What a first-come pairing bot does: in joining order, each person takes the first
    free person after them who is allowed and not a recent partner, or else anyone free."""
    free = [p.member_id for p in people]
    groups = []
    while len(free) > 1:
        first = free.pop(0)
        allowed = [m for m in free if pair_key(first, m) not in history.excluded]
        fresh = [m for m in allowed if not history.is_recent(pair_key(first, m))]
        if not allowed:
            continue
        partner = (fresh or allowed)[0]
        free.remove(partner)
        groups.append((first, partner))
    return groups


def test_cross_organisation_preference_is_measurable_against_first_come_pairing() -> None:
    # Teams join together: 12 organisations of 4 people, each organisation's people in a row.
    people = [person(n, f"Org {(n - 1) // 4}", topics="data") for n in range(1, 49)]
    organisation = {p.member_id: p.organisation for p in people}
    # The last to join met each of their teammates in the last three rounds.
    history = past({(45, 48): 1, (46, 48): 2, (47, 48): 3})
    greedy = greedy_first_come(people, history)
    ours = plan_round(people, history, random.Random(3))

    def cross_organisation(groups: Sequence[tuple[int, ...]]) -> float:
        pairs = pairs_in(groups)
        return sum(organisation[a] != organisation[b] for a, b in pairs) / len(pairs)

    def repeats(groups: Sequence[tuple[int, ...]]) -> int:
        return sum(history.is_recent(pair) for pair in pairs_in(groups))

    assert repeats(greedy) >= 1 and cross_organisation(greedy) < 0.5
    assert repeats(ours) == 0 and cross_organisation(ours) == 1.0


def test_a_large_round_is_matched_in_blocks_with_the_same_guarantees() -> None:
    rng = random.Random(11)
    sectors = ["NHS trust", "local authority", "public health", "voluntary/community"]
    people = [
        person(n, f"Org {rng.randrange(40)}", rng.choice(sectors), rng.choice(["data", "REMI"]))
        for n in range(1, 502)
    ]
    ids = [p.member_id for p in people]
    recent = {pair_key(*rng.sample(ids, 2)): rng.randint(1, 6) for _ in range(3000)}
    excluded = [tuple(rng.sample(ids, 2)) for _ in range(300)]
    history = past(recent, excluded)
    groups = plan_round(people, history, random.Random(2), block_size=120)
    assert everyone_once(groups, people)
    assert sorted(len(g) for g in groups).count(3) == 1
    pairs = pairs_in(groups)
    assert not pairs & history.excluded
    assert not any(history.is_recent(pair) for pair in pairs)
    organisation = {p.member_id: p.organisation for p in people}
    assert sum(organisation[a] != organisation[b] for a, b in pairs) / len(pairs) > 0.99


def test_the_trio_puts_nobody_with_someone_from_their_own_trust_when_it_can() -> None:
    # 2 and 3, and 4 and 5, share the most topics, so the pairs alone would be 2–3 and
    # 4–5, leaving 1 over; joining either pair would put 1 with 2 (the same trust) or with
    # 4 (met last round).
    people = [
        person(1, "Guy's and St Thomas'"),
        person(2, "Guy's and St Thomas'", topics="data,training"),
        person(3, topics="data,training"),
        person(4, topics="policy,REMI"),
        person(5, topics="policy,REMI"),
    ]
    groups = plan(people, past({(1, 4): 1}))
    organisations = {p.member_id: p.organisation for p in people}
    assert everyone_once(list(groups), people)
    assert all(organisations[a] != organisations[b] for a, b in pairs_in(list(groups)))
    assert (1, 4) not in pairs_in(list(groups))


def test_the_trio_repeats_no_pairing_from_last_round_when_it_can() -> None:
    people = [
        person(1),
        person(2, topics="data,training"),
        person(3, topics="data,training"),
        person(4, topics="policy,REMI"),
        person(5, topics="policy,REMI"),
    ]
    history = past({(1, 2): 1, (1, 4): 1})
    groups = plan(people, history)
    assert everyone_once(list(groups), people)
    assert not pairs_in(list(groups)) & {(1, 2), (1, 4)}
    assert max(len(group) for group in groups) == 3
