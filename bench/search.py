"""How fast is knowledge search with 10,000 entries, against a plain difflib baseline?

Builds the index over the real entries plus generated ones (titles, aliases, tags,
summaries and bodies drawn from the real entries' words, seeded so runs compare), runs a
mix of member-like queries through the lexical search alone, through `difflib` over the
titles, and through the full answer with the semantic model (each question embedded
afresh), and prints per-query latency, build time and the process's peak resident memory
with the bot's adapters imported and the model loaded.

    python bench/search.py [--entries 10000] [--queries 2000] [--seed 7] [--model NAME|off]
"""

import argparse
import difflib
import random
import re
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.discord.client
import bot.slack.app  # noqa: F401
from knowledge.check import load_entries
from knowledge.entries import KINDS, Entry
from knowledge.lexical import LexicalIndex
from knowledge.search import SearchIndex
from knowledge.semantic import DEFAULT_MODEL, Model, forget_queries

WORD = re.compile(r"[a-z][a-z'-]+")

QUESTION_FORMS = (
    "what is {}?",
    "define {}",
    "tell me about {}",
    "what's the meaning of {}",
    "can you explain {} please",
    "find {} toolkit",
)
OFF_TOPIC = (
    "what's the weather tomorrow",
    "best pizza in london",
    "how do I reset my password",
    "football scores",
    "tell me a joke",
    "bitcoin price",
    "train times to Leeds",
    "who won the premier league",
    "recipe for banana bread",
    "cheap flights to Spain",
    "lottery numbers this week",
    "how tall is the Shard",
)


@dataclass(frozen=True)
class Query:
    shape: str  # title, typo, question or off-topic
    text: str


@dataclass(frozen=True)
class WordPool:
    """Words of the real knowledge base: title words for names, all words for prose."""

    headings: list[str]
    prose: list[str]
    prose_counts: list[int]

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> "WordPool":
        headings = {
            word
            for entry in entries
            for word in WORD.findall(" ".join((entry.title, *entry.aliases)).lower())
            if len(word) > 3
        }
        prose = Counter(
            word
            for entry in entries
            for word in WORD.findall(f"{entry.summary} {entry.body}".lower())
        )
        return cls(sorted(headings), list(prose), list(prose.values()))

    def sentence(self, rng: random.Random, topic: list[str], size: int) -> str:
        """Prose as common as the real knowledge base's, with the topic words recurring."""
        drawn = rng.choices(self.prose, weights=self.prose_counts, k=size)
        for at in rng.sample(range(size), min(size, 3)):
            drawn[at] = rng.choice(topic)
        return " ".join(drawn).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default=DEFAULT_MODEL, help="'off' for lexical only")
    parser.add_argument("--cache", type=Path, default=Path("var/cache"))
    args = parser.parse_args()
    rng = random.Random(args.seed)

    real = load_entries()
    pool = WordPool.of(real)
    entries = [*real, *(_generated_entry(rng, pool, n) for n in range(args.entries))]
    queries = [_query(rng, entries) for _ in range(args.queries)]
    print(f"{len(entries)} entries ({len(real)} real), {len(queries)} queries (seed {args.seed})")

    started = time.perf_counter()
    index = SearchIndex(entries)
    print(f"lexical index build: {_ms(time.perf_counter() - started):.0f} ms")
    texts = [query.text for query in queries]
    lexical = LexicalIndex(entries)
    _report("lexical search", lexical.search, texts)
    _report("lexical answer (SearchIndex.search, no model)", index.search, texts)
    for shape in ("title", "typo", "question", "off-topic"):
        asked = [query.text for query in queries if query.shape == shape]
        answered = sum(bool(index.search(text)) for text in asked)
        print(f"  {shape}: {answered} of {len(asked)} answered")
    _report(
        "SearchIndex.closest, after no answer",
        index.closest,
        [text for text in texts if not index.search(text)],
    )

    started = time.perf_counter()
    titles = [entry.title.lower() for entry in entries]
    print(f"difflib build (title list): {_ms(time.perf_counter() - started):.1f} ms")
    _report(
        "difflib.get_close_matches",
        lambda text: difflib.get_close_matches(text.lower(), titles, n=5, cutoff=0.6),
        texts,
    )
    if args.model != "off":
        _semantic(entries, texts, Model(args.model, args.cache))
    print(
        f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def _semantic(entries: Sequence[Entry], texts: list[str], model: Model) -> None:
    """The full answer: the question embedded (never from the cache of recent ones), both
    searches, the decision."""
    started = time.perf_counter()
    model.load()
    print(f"model {model.name} load: {_ms(time.perf_counter() - started):.0f} ms")
    started = time.perf_counter()
    index = SearchIndex(entries, model)
    if not index.wait_for_semantic():
        sys.exit(f"model {model.name} did not load: {model.failed}")
    print(
        f"semantic index build (cached vectors reused): {_ms(time.perf_counter() - started):.0f} ms"
    )

    def fresh_answer(text: str) -> Sequence[object]:
        forget_queries()
        return index.lookup(text).answers

    _report("full answer (lookup, query embedded)", fresh_answer, texts)


def _report(label: str, run: Callable[[str], Sequence[object]], texts: list[str]) -> None:
    """Print the p50, p99 and worst latency of `run` over `texts`, as wall-clock time and
    as CPU time (which other work on a shared machine does not inflate as much)."""
    wall, cpu = [], []
    for text in texts:
        wall_started, cpu_started = time.perf_counter(), time.thread_time()
        run(text)
        cpu.append(_ms(time.thread_time() - cpu_started))
        wall.append(_ms(time.perf_counter() - wall_started))
    print(f"{label}: {_percentiles(wall)}; CPU {_percentiles(cpu)}")


def _percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p99 = timings[min(len(timings) - 1, round(len(timings) * 0.99))]
    return f"p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"


def _generated_entry(rng: random.Random, pool: WordPool, number: int) -> Entry:
    topic = rng.sample(pool.headings, rng.randint(1, 4))
    title = " ".join(topic).capitalize()
    aliases = []
    if len(topic) >= 3 and rng.random() < 0.4:
        aliases.append("".join(word[0] for word in topic).upper())
    if rng.random() < 0.3:
        aliases.append(" ".join(rng.sample(topic, len(topic))))
    return Entry(
        id=f"generated-{number:05d}",
        kind=rng.choice(KINDS),
        title=title,
        summary=pool.sentence(rng, topic, rng.randint(18, 35)),
        body=" ".join(pool.sentence(rng, topic, rng.randint(15, 30)) for _ in range(4)),
        aliases=tuple(dict.fromkeys(aliases)),
        tags=tuple(rng.sample(pool.headings, rng.randint(1, 3))),
        url=f"https://example.org/generated/{number}",
        review_by=date(2027, 1, 1),
    )


def _query(rng: random.Random, entries: list[Entry]) -> Query:
    """A member-like query: a title, a typo of one, a question about one, or off-topic."""
    title = rng.choice(entries).title
    roll = rng.random()
    if roll < 0.3:
        return Query("title", title)
    if roll < 0.55:
        return Query("typo", _typo(rng, title))
    if roll < 0.8:
        return Query("question", rng.choice(QUESTION_FORMS).format(title.lower()))
    if roll < 0.9:
        return Query("off-topic", rng.choice(OFF_TOPIC))
    letters = "abcdefghijklmnopqrstuvwxyz"
    return Query(
        "off-topic", " ".join("".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in "ab")
    )


def _typo(rng: random.Random, text: str) -> str:
    """Drop, double or swap one letter of the longest word, as fast typing does."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 4:
        return text
    at = rng.randrange(1, len(word) - 2)
    edit = rng.choice(("drop", "double", "swap"))
    if edit == "drop":
        word = word[:at] + word[at + 1 :]
    elif edit == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[longest] = word
    return " ".join(words)


def _ms(seconds: float) -> float:
    return seconds * 1000


if __name__ == "__main__":
    main()
