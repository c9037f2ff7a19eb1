"""The native layout (docs/formats.md): accounts, pages, groups, posts, page_admins,
group_members, follows, plus truth.csv / pages_truth.csv in the labels layout."""

from __future__ import annotations

from cibgraph.scenario import network
from cibgraph.scenario.ids import iso
from cibgraph.scenario.output import LABEL_COLUMNS, Output, pages_truth
from cibgraph.scenario.posts import Post
from cibgraph.scenario.streams import facebook_posts, twitter_posts
from cibgraph.scenario.world import World
from loader.formats.native import KINDS

FILES = (
    "accounts.csv",
    "truth.csv",
    "pages.csv",
    "groups.csv",
    "pages_truth.csv",
    "posts.csv",
    "page_admins.csv",
    "group_members.csv",
    "follows.csv",
)


def _columns(kind: str, leave_out: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The loader's native layout for ``kind`` (one definition of the format), minus
    optional columns the scenario has nothing to say about."""
    required, optional = KINDS[kind]
    return tuple(c for c in required + optional if c not in leave_out)


ACCOUNT_COLUMNS = _columns("accounts", leave_out=("hashed",))
PAGE_COLUMNS = _columns("pages", leave_out=("news_like",))
GROUP_COLUMNS = _columns("groups")
POST_COLUMNS = _columns("posts", leave_out=("quotes",))


def write(world: World, out: Output) -> None:
    accounts = out.open("accounts.csv", ACCOUNT_COLUMNS)
    truth = out.open("truth.csv", LABEL_COLUMNS)
    for i in range(world.n_accounts):
        a = world.account(i)
        accounts.row(
            (
                a.platform,
                a.id,
                a.handle,
                a.display_name,
                iso(a.created),
                a.followers,
                a.following,
                a.language,
                a.location,
                a.description,
                a.profile_url,
            )
        )
        truth.row((a.platform, "account", a.id, a.label, a.cluster))
        out.accounts[a.label] += 1
    pages = out.open("pages.csv", PAGE_COLUMNS)
    for p in world.pages:
        pages.row(
            (
                "facebook",
                p.id,
                p.name,
                p.handle,
                p.category,
                iso(p.created),
                p.admin_country,
                p.followers,
                p.description,
            )
        )
    groups = out.open("groups.csv", GROUP_COLUMNS)
    for g in world.groups:
        groups.row(("facebook", g.id, g.name, iso(g.created), g.members, g.description))
    pages_truth(world, out)

    posts = out.open("posts.csv", POST_COLUMNS)
    for stream in (twitter_posts(world), facebook_posts(world)):
        for post in stream:
            posts.row(_post_row(world, post))
            out.posts[_actor_label(world, post)] += 1

    admins = out.open("page_admins.csv", ("platform", "account_id", "page_id"))
    for admin, page in network.page_admins(world):
        admins.row(("facebook", world.account(admin).id, world.pages[page].id))
    members = out.open("group_members.csv", ("platform", "account_id", "group_id"))
    for admin, group in network.group_members(world):
        members.row(("facebook", world.account(admin).id, world.groups[group].id))
    follows = out.open("follows.csv", ("platform", "follower_id", "followed_id"))
    for a, b in network.follows(world):
        follows.row(("twitter", world.account(a).id, world.account(b).id))


def _actor_label(world: World, post: Post) -> str:
    if post.author is not None:
        return world.account(post.author).label
    return world.pages[post.page].label  # type: ignore[index]


def _post_row(world: World, p: Post) -> tuple[object, ...]:
    account_id = page_id = group_id = ""
    if p.author is not None:
        account = world.account(p.author)
        account_id = account.id
    if p.platform == "twitter":
        url = f"https://twitter.com/{account.handle}/status/{p.id}"
    elif p.page is not None:
        page_id = world.pages[p.page].id
        url = f"https://www.facebook.com/{page_id}/posts/{p.id.split('_')[1]}"
    else:
        group_id = world.groups[p.group].id  # type: ignore[index]
        url = f"https://www.facebook.com/groups/{group_id}/permalink/{p.id.split('_')[1]}/"
    mentions = " ".join(world.account(m).id for m in p.mentions)
    return (
        p.platform,
        p.id,
        iso(p.ts),
        account_id,
        page_id,
        group_id,
        p.text,
        p.language,
        p.client,
        p.kind,
        url,
        p.repost_of,
        p.reply_to,
        " ".join(p.hashtags),
        " ".join(p.urls),
        mentions,
        p.likes,
        p.shares,
        p.replies,
    )
