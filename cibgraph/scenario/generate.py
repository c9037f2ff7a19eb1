"""``generate()``: write the scenario in one of three layouts and say what was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cibgraph.errors import CibgraphError
from cibgraph.scenario import crowdtangle, native, twitter_archive
from cibgraph.scenario.output import Output
from cibgraph.scenario.scales import SCALES
from cibgraph.scenario.variants import VARIANTS, apply
from cibgraph.scenario.world import World

#: format -> (writer, files it writes)
FORMATS: dict[str, tuple[Callable[[World, Output], None], tuple[str, ...]]] = {
    "native": (native.write, native.FILES),
    "twitter-archive": (twitter_archive.write, twitter_archive.FILES),
    "crowdtangle": (crowdtangle.write, crowdtangle.FILES),
}


class ScenarioError(CibgraphError):
    """Unknown scale or format, or an output directory holding another layout's files."""


def generate(
    out_dir: str | Path,
    *,
    scale: str = "demo",
    seed: int = 42,
    format: str = "native",
    variant: str = "demo",
) -> dict[str, Any]:
    """Write the synthetic Hong Kong 2019 scenario into ``out_dir`` (created if needed).

    ``scale`` is ``tiny`` (< 2,000 posts), ``demo`` (~50,000) or ``full`` (~2,000,000,
    streamed in bounded memory); ``format`` is ``native`` (docs/formats.md, with
    truth.csv and pages_truth.csv), ``twitter-archive`` (the Twitter side as an IO
    archive, with truth.csv) or ``crowdtangle`` (pages and groups as CrowdTangle
    exports, with pages_truth.csv). ``variant`` changes how the operation (or the viral
    crowd) behaves (:data:`~cibgraph.scenario.variants.VARIANTS`: ``demo`` as it is,
    ``slow``, ``paraphrase``, ``nolinks``, ``mixed``, ``breaking-news``). The same seed
    gives byte-identical files.

    Returns a summary: ``accounts`` and ``pages`` (rows per truth label in the truth
    files), ``active_amplifiers``, ``posts`` (total) and ``posts_by_label`` (per truth
    label of the posting account, page or group), and ``files`` (data rows per file).
    """
    if scale not in SCALES:
        raise ScenarioError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if variant not in VARIANTS:
        raise ScenarioError(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    if format not in FORMATS:
        raise ScenarioError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")
    directory = Path(out_dir)
    writer, files = FORMATS[format]
    others = {name for _, names in FORMATS.values() for name in names} - set(files)
    stale = sorted(name for name in others if (directory / name).exists())
    if stale:
        raise ScenarioError(
            f"{directory} already holds {', '.join(stale)} from another format; loading the "
            "directory would mix them: use an empty directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    world = World(apply(SCALES[scale], variant), seed)
    with Output(directory) as out:
        writer(world, out)
    twitter = format != "crowdtangle"
    return {
        "scale": scale,
        "seed": seed,
        "variant": variant,
        "format": format,
        "out_dir": str(directory),
        "accounts": dict(out.accounts),
        "active_amplifiers": sum(map(len, world.active_amplifiers)) if twitter else 0,
        "pages": dict(out.pages),
        "posts": sum(out.posts.values()),
        "posts_by_label": dict(sorted(out.posts.items())),
        "files": out.rows(),
    }
