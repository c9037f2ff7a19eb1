"""The Facebook side as CrowdTangle exports: a Pages export (newer ~40-column layout,
``,``) and a Groups export (2020 layout: ``Group Name``, ``Created``, ``Thankful``;
``;``-delimited). Times are US Eastern with their abbreviation, as CrowdTangle wrote them
(``2019-08-19 03:12:45 EDT``); post URLs are ``https://www.facebook.com/<page>/posts/<n>``
and ``.../groups/<group>/permalink/<n>/``, so the loader derives ``<id>_<n>`` post ids.
The exports name no person: admins appear only as the fact that groups get the posts."""

from __future__ import annotations

import csv
import random

from cibgraph.scenario.ids import eastern
from cibgraph.scenario.output import Output, pages_truth
from cibgraph.scenario.posts import Post
from cibgraph.scenario.streams import facebook_posts
from cibgraph.scenario.world import World
from loader.formats.crowdtangle import COLUMNS

PAGES = "hk2019_pages_crowdtangle.csv"
GROUPS = "hk2019_groups_crowdtangle.csv"
FILES = (PAGES, GROUPS, "pages_truth.csv")
#: The 2020-era Groups export, in order.
GROUP_COLUMNS = (
    "Group Name",
    "User Name",
    "Facebook Id",
    "Likes at Posting",
    "Created",
    "Type",
    "Likes",
    "Comments",
    "Shares",
    "Love",
    "Wow",
    "Haha",
    "Sad",
    "Angry",
    "Thankful",
    "Video Share Status",
    "Post Views",
    "Total Views",
    "Total Views For All Crossposts",
    "Video Length",
    "URL",
    "Message",
    "Link",
    "Final Link",
    "Image Text",
    "Link Text",
    "Description",
    "Sponsor Id",
    "Sponsor Name",
    "Total Interactions",
    "Overperforming Score",
)


def _reactions(rng: random.Random, p: Post) -> dict[str, int]:
    """Likes, comments and shares from the post, other reactions as small shares of likes."""
    extra = {name: int(p.likes * rng.uniform(0, share)) for name, share in _SHARES}
    counts = {"Likes": p.likes, "Comments": p.replies, "Shares": p.shares, **extra}
    counts["Total Interactions"] = sum(counts.values())
    return counts


_SHARES = (("Love", 0.15), ("Wow", 0.05), ("Haha", 0.05), ("Sad", 0.05), ("Angry", 0.2))


def write(world: World, out: Output) -> None:
    rng = world.stream("crowdtangle")
    pages = out.open(PAGES, COLUMNS, quoting=csv.QUOTE_ALL)
    groups = out.open(GROUPS, GROUP_COLUMNS, delimiter=";")
    for p in facebook_posts(world):
        number = p.id.split("_")[1]
        counts = _reactions(rng, p)
        score = f"{rng.uniform(-4, 6):.2f}"
        link = p.urls[0] if p.urls else ""
        if p.page is not None:
            page = world.pages[p.page]
            created = eastern(p.ts)
            row = {
                "Page Name": page.name,
                "User Name": page.handle,
                "Facebook Id": page.id,
                "Page Category": page.category,
                "Page Admin Top Country": page.admin_country,
                "Page Description": page.description,
                "Page Created": eastern(page.created),
                "Likes at Posting": str(int(page.followers * 0.9)),
                "Followers at Posting": str(page.followers),
                "Post Created": created,
                "Post Created Date": created[:10],
                "Post Created Time": created[11:19],
                "Type": p.kind,
                "Care": str(int(p.likes * rng.uniform(0, 0.05))),
                "URL": f"https://www.facebook.com/{page.id}/posts/{number}",
                "Message": p.text,
                "Link": link,
                "Link Text": p.title,
                "Overperforming Score": score,
                **{k: str(v) for k, v in counts.items()},
            }
            pages.row(row.get(column, "") for column in COLUMNS)
            out.posts[page.label] += 1
        else:
            group = world.groups[p.group]  # type: ignore[index]
            row = {
                "Group Name": group.name,
                "Facebook Id": group.id,
                "Likes at Posting": str(group.members),
                "Created": eastern(p.ts),
                "Type": p.kind,
                "Thankful": "0",
                "URL": f"https://www.facebook.com/groups/{group.id}/permalink/{number}/",
                "Message": p.text,
                "Link": link,
                "Link Text": p.title,
                "Overperforming Score": score,
                **{k: str(v) for k, v in counts.items()},
            }
            groups.row(row.get(column, "") for column in GROUP_COLUMNS)
            out.posts[group.label] += 1
    pages_truth(world, out)
