"""Generated FAQ knowledge bases of any size, to measure how search cost grows with size.

Words are drawn from a Zipf-like distribution over a synthetic vocabulary (a few words are very
common, most are rare), as in real text; queries are example questions with a word dropped and a
typo, so they exercise the whole path (normalisation, typo correction, ranking).
"""

from __future__ import annotations

import random

from bot.knowledge import load_knowledge
from bot.search.index import FaqIndex, IndexDoc

_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "tel",
    "vo",
    "sa",
    "pri",
    "dun",
    "le",
    "gor",
    "bi",
    "nu",
    "fa",
    "zen",
    "tu",
    "shi",
    "mo",
    "ral",
    "ve",
    "qui",
]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(entries: int, seed: int = 7) -> tuple[FaqIndex, list[tuple[str, str]]]:
    """An index of `entries` entries and (query, expected id) pairs."""
    rng = random.Random(seed)
    vocab = vocabulary(max(2000, entries * 4), rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]

    def sentence(n: int) -> list[str]:
        return rng.choices(vocab, weights=weights, k=n)

    docs, queries = [], []
    for e in range(entries):
        topic = [rng.choice(vocab) for _ in range(3)]  # words that make this entry specific
        examples = {
            lang: [" ".join(sentence(rng.randint(3, 6)) + rng.sample(topic, 2)) for _ in range(3)]
            for lang in ("en", "fr")
        }
        fields = [("title", "en", " ".join(topic)), ("keywords", "en", " ; ".join(topic))]
        fields += [("examples", lang, q) for lang, qs in examples.items() for q in qs]
        docs.append(IndexDoc(f"e{e}", tuple(fields)))
        words = examples["en"][0].split()
        words.pop(rng.randrange(len(words)))
        i = rng.randrange(len(words))
        if len(words[i]) > 4:
            w = words[i]
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # swap two letters
        queries.append((" ".join(words), f"e{e}"))
    lexicons = load_knowledge().faq.index.analyzer.lexicons
    return FaqIndex(docs, lexicons), queries
