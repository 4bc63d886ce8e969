"""Near-duplicate documents: Jaccard similarity of word 5-grams, found without comparing all pairs
(lint's process-duplicate rule and the readiness check's reinvented processes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

SIMILAR = 0.7  # Jaccard similarity of word 5-grams from which two processes are "the same"
SKETCH = 64  # hashes kept per document
BUCKET_LIMIT = 500  # a hash shared by more documents than this is boilerplate


def shingles(text: str) -> frozenset[int]:
    """Hashes of a text's word 5-grams, for similarity."""
    words = re.findall(r"\w+", text.casefold())
    return frozenset(hash(" ".join(words[i : i + 5])) for i in range(max(0, len(words) - 4)))


def near_duplicates(processes: list[tuple[str, str, str, frozenset[int]]]) -> Iterator[tuple[int, int, float]]:
    """Pairs (by index) of same-kind processes with Jaccard similarity ≥ SIMILAR, without comparing all pairs.

    Each document keeps its SKETCH smallest shingle hashes (a bottom-k sketch). Two
    documents with Jaccard J share about 2J/(1+J) of their sketches (82% at 0.7); only
    pairs sharing a quarter are compared exactly, so the cost follows the number of
    similar pairs, not the square of the number of processes.
    """
    import heapq
    from collections import Counter, defaultdict
    from itertools import combinations

    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, (_, kind, _, hashes) in enumerate(processes):
        for value in heapq.nsmallest(SKETCH, hashes):
            buckets[(kind, value)].append(index)
    shared: Counter = Counter()
    for members in buckets.values():
        if 1 < len(members) <= BUCKET_LIMIT:
            shared.update(combinations(members, 2))
    for (first, second), count in sorted(shared.items()):
        if count < SKETCH // 4:
            continue
        a, b = processes[first][3], processes[second][3]
        common = len(a & b)
        similarity = common / (len(a) + len(b) - common)
        if similarity >= SIMILAR:
            yield first, second, similarity
