"""Cutting text written without spaces (Chinese) into words, before the search reads it.

Latin-script text is already cut by its spaces. Chinese is not: a question such as
"居留卡需要多少钱" must become words ("居留卡", "需要", "多少", "钱") before stop words, concepts and
the index can see them. A lexicon says how, with its ``segmenter`` (knowledge/lexicon/zh.yaml):

- ``jieba``: the jieba algorithm and dictionary, through rjieba (a binding of jieba-rs, which is
  maintained; the Python jieba has had no release since 2020): the usual word segmenter for
  Chinese search;
- ``bigrams``: every two neighbouring characters, the segmenter-free baseline of Chinese search.

Both keep the lexicon's own words whole (its ``terms``, the phrases of its concepts and its stop
words): "居留卡" is one word whether or not the library's dictionary has it, so a concept phrase is
cut the same way in a question as in an answer. Only runs of Han characters are cut; the Latin
words inside a Chinese question ("我的 titre de séjour 快到期了") are left as they are, and a
number next to Han characters ("4个月") is spaced off so that it is read as a number.

Which of the two is used was decided by measuring both on the Chinese dev split of
eval/questions.yaml (see the commit that chose it and knowledge/lexicon/zh.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# CJK unified ideographs (with extension A and the compatibility block): the Han script
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
# a boundary between a Han character and anything else that is not a space
_BOUNDARY = re.compile(f"(?<=[{_HAN}])(?=[^{_HAN}\\s])|(?<=[^{_HAN}\\s])(?=[{_HAN}])")
SEGMENTERS = ("jieba", "bigrams")
_LONGEST_WORD = 12  # characters: the lexicon's words are shorter than this


def has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


def space_runs(text: str) -> str:
    """`text` with a space wherever Han characters meet other characters ("申请APS" → "申请 APS")."""
    return _BOUNDARY.sub(" ", text) if has_han(text) else text


class Segmenter:
    """Cuts runs of Han characters into words, keeping the lexicon's own words whole.

    Args:
        method: ``jieba`` or ``bigrams``.
        words: the lexicon's words (terms, concept phrases, stop words), already folded.
    """

    def __init__(self, method: str, words: Iterable[str] = ()) -> None:
        if method not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {method!r} ({', '.join(SEGMENTERS)})")
        self.method = method
        # the Han runs of the lexicon's words ("拿到offer" gives "拿到")
        self.words = frozenset(
            part for w in words for part in space_runs(w).split() if _HAN_RUN.fullmatch(part)
        )
        self._longest = min(max((len(w) for w in self.words), default=1), _LONGEST_WORD)
        self._jieba = None  # loaded on the first run to cut (its dictionary is large and slow)
        self._cut = lru_cache(maxsize=8192)(self._cut_run)  # runs recur; bounded (user input)

    def split(self, words: Iterable[str]) -> list[str]:
        """Folded, space-separated words with their Han runs cut into words."""
        out: list[str] = []
        for word in words:
            if not has_han(word):
                out.append(word)
                continue
            for part in space_runs(word).split():
                out.extend(self._cut(part) if _HAN_RUN.fullmatch(part) else (part,))
        return out

    def _cut_run(self, run: str) -> tuple[str, ...]:
        if run in self.words:  # the lexicon's own phrases: loading it needs no dictionary
            return (run,)
        if self.method == "jieba":
            if self._jieba is None:
                self._jieba = _jieba(self.words)
            return tuple(w for w in self._jieba.cut(run, False) if w.strip())
        return tuple(self._bigrams(run))

    def _bigrams(self, run: str) -> list[str]:
        """The lexicon's words, longest first from the left; two characters at a time between
        them (one when a single character is left between two known words)."""
        out: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(run):
            for size in range(min(self._longest, len(run) - i), 0, -1):
                if run[i : i + size] in self.words:
                    out.extend(_pairs("".join(rest)))
                    rest = []
                    out.append(run[i : i + size])
                    i += size
                    break
            else:
                rest.append(run[i])
                i += 1
        out.extend(_pairs("".join(rest)))
        return out


def _pairs(run: str) -> list[str]:
    if len(run) <= 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _jieba(words: frozenset[str]):
    """A jieba-rs segmenter of its own (the library's shared one is left untouched), with the
    lexicon's words added so that they are never cut."""
    import rjieba

    jieba = rjieba.Jieba()
    for word in sorted(words):
        jieba.add_word(word, None, None)
    return jieba
