"""Tables the page shows per news-like page, so every page gets its row however many
accounts amplify it (the CSV keeps one row per page and amplifier)."""

from __future__ import annotations

from typing import Any

TOP_AMPLIFIERS = 5


def amplifiers_per_page(
    rows: list[dict[str, Any]], flagged: int
) -> tuple[list[dict[str, Any]], int]:
    """``news-page-amplifiers`` rows (one per page and amplifier, the first ``flagged``
    involving a flagged cluster) as one row per page: its admins, how many accounts
    amplify it and how many of those are in flagged clusters, the shares, the fastest
    share and the top amplifiers (flagged clusters' members first). Pages with amplifiers
    from flagged clusters come first; returns the rows and how many those are."""
    pages: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        page = pages.setdefault(
            row["page"],
            {"page": row["page"], "admins": row.get("admins") or [], "amplifiers": []},
        )
        page["amplifiers"].append((i < flagged, row))
    out = []
    for page in pages.values():
        amps = page.pop("amplifiers")
        mine = [r for f, r in amps if f]
        ranked = sorted(amps, key=lambda x: (not x[0], -(x[1].get("shares") or 0)))
        fastest = [r["fastest_seconds"] for _, r in amps if r.get("fastest_seconds") is not None]
        out.append(
            {
                **page,
                "amplifying_accounts": len(amps),
                "in_flagged_clusters": len(mine),
                "shares": sum(r.get("shares") or 0 for _, r in amps),
                "fastest_seconds": min(fastest) if fastest else None,
                "top_amplifiers": [r["amplifier"] for _, r in ranked[:TOP_AMPLIFIERS]],
            }
        )
    out.sort(key=lambda p: (p["in_flagged_clusters"] == 0, -p["in_flagged_clusters"]))
    return out, sum(1 for p in out if p["in_flagged_clusters"])


#: Section name -> how the page shows its rows, and what it says about that.
PER_PAGE = {
    "news-page-amplifiers": (
        amplifiers_per_page,
        "One row per page here (the top 5 amplifiers named); the CSV has one row per page "
        "and amplifier.",
    )
}
