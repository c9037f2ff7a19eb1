"""The co-action window from the data: CooRnet's ``estimate_coord_interval``.

Many accounts share the same object; some do it unusually fast. CooRnet (Giglietto et
al.) turns that into a window in seconds:

1. take the objects shared more than once, and rank each one's shares by time (ties in
   the order read);
2. keep the quickest ``q`` of them by the time of their second share (at most the
   ``q``-quantile of those times, default 0.1);
3. for each kept object, the time from its first share to the first share past ``p`` of
   its shares (default 0.5);
4. the window is the ``p``-quantile of those times (CooRnet uses ``p`` for both), and 1 s
   when that is 0.

Quantiles interpolate linearly between order statistics (R's default, numpy's too).

Data with no fast sharing at all gives a window of days (CooRnet's method has nothing
quick to calibrate on), and a co-action network at such a window joins nearly every pair
of accounts; above :data:`MAX_AUTO_WINDOW` the estimate is reported and refused, and a
window must be given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from analytics.actions import Actions, SignalTable

#: Signals the estimate is taken from, the first with objects shared twice: CooRnet's is
#: links; without links, what the data has.
ESTIMATE_SIGNALS = ("url", "repost", "object", "hashtag", "text")
#: The widest window ``--window auto`` will use (an hour: the widest of the windows the
#: coordination literature works with, from seconds to minutes to an hour).
MAX_AUTO_WINDOW = 3600


@dataclass
class WindowEstimate:
    window: int  # seconds, as detection uses it
    seconds: float  # the estimate before rounding
    signal: str
    objects: int  # objects shared more than once
    quickest: int  # of them, the quickest q kept
    q: float
    p: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def reason(self) -> str:
        return (
            f"window {self.window} s from the data (CooRnet's estimate on {self.signal}: of "
            f"{self.objects:,} objects shared more than once, the quickest {self.q:.0%} "
            f"({self.quickest:,}) by their second share reach {self.p:.0%} of their shares "
            f"in {self.seconds:,.0f} s at the median)"
        )


def estimate(table: SignalTable, q: float = 0.1, p: float = 0.5) -> tuple[float, int, int]:
    """(seconds, objects shared twice or more, quickest kept) of one signal's actions;
    seconds is None-like (``nan``) when no object was shared twice."""
    if not (0 <= q <= 1 and 0 <= p <= 1):
        raise ValueError("q and p must be between 0 and 1")
    obj = np.asarray(table.obj, np.int64)
    ts = np.asarray(table.ts, np.float64)
    if len(obj) == 0:
        return float("nan"), 0, 0
    order = np.lexsort((np.arange(len(obj)), ts, obj))  # by object, time, then as read
    o, t = obj[order], ts[order]
    starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
    counts = np.diff(np.r_[starts, len(o)])
    shared = counts > 1
    if not shared.any():
        return float("nan"), 0, 0
    starts, counts = starts[shared], counts[shared]
    first = t[starts]
    second = t[starts + 1] - first
    quick = second <= np.quantile(second, q)
    starts, counts, first = starts[quick], counts[quick], first[quick]
    # the first share whose rank / count exceeds p: rank = floor(p * count) + 1
    # (none when p is 1: no share is past all of them)
    rank = np.floor(p * counts).astype(np.int64) + 1
    past = rank <= counts
    if not past.any():
        return float("nan"), int(shared.sum()), int(quick.sum())
    reached = t[starts[past] + rank[past] - 1] - first[past]
    return float(np.quantile(reached, p)), int(shared.sum()), int(quick.sum())


def estimate_window(acts: Actions, q: float = 0.1, p: float = 0.5) -> WindowEstimate | None:
    """The window for ``acts``, from the first of :data:`ESTIMATE_SIGNALS` that has an
    object shared twice; None when none has."""
    for signal in ESTIMATE_SIGNALS:
        table = acts.tables.get(signal)
        if table is None or len(table) == 0:
            continue
        seconds, objects, quickest = estimate(table, q, p)
        if objects and seconds == seconds:  # not nan
            window = max(1, int(np.floor(seconds + 0.5)))  # 0 s -> 1 s, as CooRnet
            return WindowEstimate(window, seconds, signal, objects, quickest, q, p)
    return None
