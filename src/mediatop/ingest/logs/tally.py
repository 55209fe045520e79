"""The running totals of an access-log ingest: what `mediatop ingest` summarises."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mediatop.ingest.logs.lines import ParsedBatch


@dataclass
class IngestTally:
    """Running totals of an ingest (what the CLI summarises), by one node."""

    node: str = ""
    lines: int = 0
    accepted: int = 0
    bots: int = 0
    misses: int = 0  # requests for media paths the library does not have
    bot_misses: int = 0  # of them, by crawlers
    served_misses: int = 0  # of them, answered below 400 (served from outside the library)
    not_media: int = 0
    not_get: int = 0
    blank: int = 0
    malformed: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    incomplete_tail: int = 0

    def add(self, batch: ParsedBatch) -> None:
        c = batch.counts
        self.lines += c["lines"]
        self.accepted += c["accepted"]
        self.bots += c["bots"]
        self.misses += c["misses"]
        self.bot_misses += c["bot_misses"]
        self.served_misses += c["served_misses"]
        self.not_media += c["not_media"]
        self.not_get += c["not_get"]
        self.blank += c["blank"]
        self.malformed.update(batch.rejects)

    def as_dict(self) -> dict[str, object]:
        return {
            "node": self.node,
            "files": self.files,
            "linesRead": self.lines,
            "accepted": self.accepted,
            "bots": self.bots,
            "misses": self.misses,
            "humanMisses": self.misses - self.bot_misses,
            "crawlerMisses": self.bot_misses,
            "missesServed": self.served_misses,
            "notMedia": self.not_media,
            "notGet": self.not_get,
            "blank": self.blank,
            "malformed": dict(self.malformed),
            "malformedTotal": sum(self.malformed.values()),
            "incompleteTail": self.incomplete_tail,
        }
