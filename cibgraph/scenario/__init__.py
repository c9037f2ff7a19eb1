"""Synthetic scenario modelled on the August 2019 Hong Kong takedowns (Twitter: 936 core
accounts and ~200,000 amplifiers; Facebook: 7 pages, 3 groups, 5 accounts), with ground
truth, for trying detection on data whose answer is known. See docs/scenario.md.

Example::

    from cibgraph.scenario import generate
    summary = generate("hk-demo", scale="demo", seed=42)            # native CSVs
    generate("hk-archive", scale="tiny", seed=1, format="twitter-archive")
    print(summary["posts"], summary["accounts"])

    from loader import load
    load(["hk-demo"])   # truth.csv / pages_truth.csv set truth_label on the nodes

The world (roles, clusters, profiles) is in :mod:`.world` and :mod:`.accounts`, the
behaviour in :mod:`.operation` and :mod:`.population`, every tunable number in
:class:`~cibgraph.scenario.scales.Scale`, the layouts in :mod:`.native`,
:mod:`.twitter_archive` and :mod:`.crowdtangle`.
"""

from cibgraph.scenario.generate import FORMATS, ScenarioError, generate
from cibgraph.scenario.scales import FULL, SCALES, TINY, Scale

__all__ = ["FORMATS", "FULL", "SCALES", "TINY", "Scale", "ScenarioError", "generate"]
