"""Each file's text for one run: held in memory, or read again from disk when a step asks.

`pipeline.run` reads every file once (its errors, the prefilter). A project whose texts fit in
`HELD_TEXTS` keeps them all in a plain dict, as it always did. A larger one keeps only each
file's length and digest (`SourceTexts`): a step that needs a text reads the file again, and
the text goes when that step is done with it, so the run's memory does not grow with the
project's text. Texts that are not on disk (standard input, an editor's buffer, a notebook's
cells: `SourceFile.text`) are always held.

A file read again must be the file read first: its digest is compared, and a file that changed
during the run raises `TextChanged`; `pipeline.run` then checks the project again with every
text held, so that every step sees one version of each file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any, overload

from .discover import SourceFile
from .parse import Unreadable, read_text

# The characters of text (all files) up to which a run holds every text: about where the static
# engine stops holding the trees (`static.engine.HELD_TEXT`, candidates only). The benchmark
# corpus has 5.0 MB, a generated tree of 250,000 lines 8.2 MB, of 1,000,000 lines 33 MB. Past
# it, each step that reads a text reads the file again (a few times per file, cheap next to
# the parse), instead of 20 MB held per 500,000 lines.
HELD_TEXTS = 10_000_000


class TextChanged(Exception):
    """A file read again from disk is not the text this run read first."""

    def __init__(self, display: str) -> None:
        super().__init__(f"{display}: changed on disk during the check")
        self.display = display


def digest_of(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def text_again(source: SourceFile, digest: bytes) -> str:
    """`source`'s text as this run read it first (its `digest`): from memory when it was not
    read from disk, else read again (`TextChanged` if it is not the same text now)."""
    if source.text is not None:
        return source.text
    text = read_text(source)
    if isinstance(text, Unreadable) or digest_of(text) != digest:
        raise TextChanged(source.display)
    return text


# Per file, its text (held) or its length and digest (read again when asked).
_Store = dict[SourceFile, "str | tuple[int, bytes]"]


class SourceTexts(MutableMapping[SourceFile, str]):
    """Some files' texts (a view: views made by `only` share one store). Iterating over the
    items reads each text as it comes; setting a key adds the file to the view (its text is
    the store's: the stages move files from one view to another)."""

    def __init__(self, store: _Store, keys: Iterable[SourceFile]) -> None:
        self._store = store
        self._keys = dict.fromkeys(keys)

    def __getitem__(self, source: SourceFile) -> str:
        if source not in self._keys:
            raise KeyError(source)
        kept = self._store[source]
        return kept if isinstance(kept, str) else text_again(source, kept[1])

    def __setitem__(self, source: SourceFile, text: str) -> None:
        self._store.setdefault(source, text)
        self._keys[source] = None

    def __delitem__(self, source: SourceFile) -> None:
        del self._keys[source]

    def __iter__(self) -> Iterator[SourceFile]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, source: object) -> bool:
        return source in self._keys

    def size(self, source: SourceFile) -> int:
        """The characters of `source`'s text, without reading it."""
        kept = self._store[source]
        return len(kept) if isinstance(kept, str) else kept[0]

    def only(self, keys: Iterable[SourceFile]) -> SourceTexts:
        return SourceTexts(self._store, keys)

    def copy(self) -> SourceTexts:
        return self.only(self._keys)


def part_of(
    texts: Mapping[SourceFile, str], keys: Iterable[SourceFile]
) -> MutableMapping[SourceFile, str]:
    """The texts of `keys`: a view of the same store for `SourceTexts` (nothing read), else a
    dict."""
    if isinstance(texts, SourceTexts):
        return texts.only(keys)
    return {source: texts[source] for source in keys}


def size_of(texts: Mapping[SourceFile, str], source: SourceFile) -> int:
    return texts.size(source) if isinstance(texts, SourceTexts) else len(texts[source])


def read_all(
    sources: Iterable[SourceFile], errors: list[str], held: int | None = HELD_TEXTS
) -> Mapping[SourceFile, str]:
    """Every readable file's text (`errors`: why the others cannot be read); past `held`
    characters in all (None: no limit), a `SourceTexts` that holds only the texts not on disk."""
    texts: dict[SourceFile, str] = {}
    store: _Store | None = None
    total = 0
    for source in sources:
        text = read_text(source)
        if isinstance(text, Unreadable):
            errors.append(f"{source.display}: {text.reason}")
            continue
        total += len(text)
        if store is None and (held is None or total <= held):
            texts[source] = text
            continue
        if store is None:  # past the budget: let the texts read so far go too
            store = {s: _kept(s, t) for s, t in texts.items()}
        store[source] = _kept(source, text)
    if store is None:
        return texts
    return SourceTexts(store, store)


def _kept(source: SourceFile, text: str) -> str | tuple[int, bytes]:
    return text if source.text is not None else (len(text), digest_of(text))


class TextPairs(Sequence[tuple[SourceFile, str]]):
    """(file, text) pairs of a job, each text read when the pair is taken: a job waiting in
    the queue holds no text. Sent to a worker process as the list it reads to."""

    def __init__(self, texts: Mapping[SourceFile, str], sources: list[SourceFile]) -> None:
        self._texts = texts
        self._sources = sources

    @overload
    def __getitem__(self, index: int) -> tuple[SourceFile, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[SourceFile, str]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return TextPairs(self._texts, self._sources[index])
        source = self._sources[index]
        return source, self._texts[source]

    def __len__(self) -> int:
        return len(self._sources)

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


def pairs_of(
    texts: Mapping[SourceFile, str], sources: list[SourceFile]
) -> Sequence[tuple[SourceFile, str]]:
    """`sources` with their texts: read now from a dict, when taken from a `SourceTexts`."""
    if isinstance(texts, SourceTexts):
        return TextPairs(texts, sources)
    return [(source, texts[source]) for source in sources]
