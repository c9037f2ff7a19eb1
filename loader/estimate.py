"""How many records a file holds, estimated cheaply, for progress bars and their ETA.

The first MiB is read and its records counted by a rule that fits the layout's shape;
the count is scaled by the file's size. A file no bigger than the sample is counted
exactly by the same rule. The figure is an estimate (multi-line text fields, uneven
rows): a progress bar raises its total when the count passes it and sets it to the true
count when the file ends.
"""

from __future__ import annotations

import re
from pathlib import Path

SAMPLE_BYTES = 1 << 20

# A Telegram export: one object per message, whatever the indentation.
_TELEGRAM_MESSAGE = re.compile(rb'"type"\s*:\s*"message"')
# X API v2 pages (twarc2): one tweet object per author_id in the page's data.
_TWEET_AUTHOR = re.compile(rb'"author_id"\s*:')
# A JSON lines file whose lines are this long holds pages of records, not one per line.
_PAGE_LINE_BYTES = 16_384


def estimate_records(path: str | Path) -> int | None:
    """About how many records ``path`` holds (None if it cannot be read)."""
    try:
        size = Path(path).stat().st_size
        with open(path, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
    except OSError:
        return None
    if not sample:
        return 0
    name = str(path).lower()
    if name.endswith(".json"):
        found = len(_TELEGRAM_MESSAGE.findall(sample))
    else:
        lines = sample.count(b"\n") + (0 if sample.endswith(b"\n") else 1)
        if name.endswith((".jsonl", ".ndjson")) and len(sample) / max(lines, 1) > _PAGE_LINE_BYTES:
            found = len(_TWEET_AUTHOR.findall(sample))
        else:
            found = lines - (0 if name.endswith((".jsonl", ".ndjson")) else 1)  # a CSV header
    found = max(found, 0)
    if size <= len(sample):
        return found
    return int(found * size / len(sample))
