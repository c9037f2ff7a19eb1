"""The Cypher statements the loader writes with (see :mod:`loader.writer`).

Parameters only; labels and relationship types come from the fixed tables below, never
from the data. Every statement runs unchanged on Neo4j 5 and on the embedded server
(``tools/cypher-lint`` checks them with Neo4j's parser).
"""

from __future__ import annotations


def _post_created(props: str) -> str:
    """SET item: a post's ``created_at`` from its ``ts`` when its row left it out (see
    :func:`loader.writer.bolt_post`): the driver packs a datetime in about 30 µs of Python,
    an integer in a fraction of that; the server builds the same value. It reads the row,
    not ``n``, so it holds whichever order a server applies the items of one SET in."""
    return (
        f"n.created_at = CASE WHEN {props}.created_at IS NOT NULL THEN {props}.created_at "
        f"WHEN {props}.ts IS NOT NULL THEN datetime({{epochSeconds: {props}.ts}}) "
        "ELSE n.created_at END"
    )


#: label -> MERGE of full node records (uid-keyed); `source` only when created.
NODE_CYPHER: dict[str, str] = {
    label: (
        f"UNWIND $rows AS r MERGE (n:{label} {{uid: r.uid}}) "
        "ON CREATE SET n.source = $source SET n += r"
        + (", " + _post_created("r") if label == "Post" else "")
    )
    for label in ("Account", "Page", "Group", "Post")
}
# The NewsLike label follows the `news_like` property. It is set in a transaction of its
# own after the data commits: ArcadeDB cannot relabel a node created in the same
# transaction (the label change re-inserts it under the unique key and fails).
NEWSLIKE_CYPHER = (
    "MATCH (n:Page) WHERE n.news_like = true AND NOT n:NewsLike SET n:NewsLike",
    "MATCH (n:NewsLike) WHERE n.news_like = false REMOVE n:NewsLike",
)
STUB_POSTS_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Post {uid: r.uid}) "
    "ON CREATE SET n.platform = r.platform, n.id = r.id, n.source = $source"
)
HASHTAGS_CYPHER = "UNWIND $rows AS t MERGE (n:Hashtag {tag: t}) ON CREATE SET n.source = $source"
OBJECTS_CYPHER = "UNWIND $rows AS k MERGE (n:Object {key: k}) ON CREATE SET n.source = $source"
DOMAINS_CYPHER = "UNWIND $rows AS d MERGE (n:Domain {name: d}) ON CREATE SET n.source = $source"
URLS_CYPHER = (
    "UNWIND $rows AS r MERGE (u:Url {url: r.url}) ON CREATE SET u.source = $source "
    "WITH u, r MATCH (d:Domain {name: r.domain}) MERGE (u)-[:ON_DOMAIN]->(d)"
)
#: Urls not yet in the graph (checked in the same transaction, like posts) are CREATEd with
#: their ON_DOMAIN edge: half the time of the MERGEs above on the embedded server.
NEW_URLS_CYPHER = (
    "UNWIND $rows AS r CREATE (u:Url {url: r.url}) SET u.source = $source "
    "WITH u, r MATCH (d:Domain {name: r.domain}) CREATE (u)-[:ON_DOMAIN]->(d)"
)
EXISTING_URLS_CYPHER = "UNWIND $urls AS k MATCH (u:Url {url: k}) RETURN u.url AS url"
# New posts are CREATEd (keyed first, then properties: measured 24k/s against 15k/s for
# `SET n = map` on the embedded server), authored ones together with their POSTED edge,
# and both with their TAGS edges (the Hashtags are written first): one statement instead
# of a second one that looks every post up again (about 13 % faster on the embedded server
# for a post with two hashtags). The UNWIND is the statement's last clause, so a post
# without hashtags is still created.
_NEW_POST_TAGS = "WITH n, r UNWIND r.tags AS t MATCH (h:Hashtag {tag: t}) CREATE (n)-[:TAGS]->(h)"
_SET_NEW_POST = f"SET n += r.props, n.source = $source, {_post_created('r.props')} "
NEW_POSTS_CYPHER = (
    "UNWIND $rows AS r CREATE (n:Post {uid: r.props.uid}) " + _SET_NEW_POST + _NEW_POST_TAGS
)
NEW_AUTHORED_POSTS_CYPHER = (
    "UNWIND $rows AS r MATCH (a:Account {uid: r.author}) "
    "CREATE (n:Post {uid: r.props.uid}) "
    + _SET_NEW_POST
    + "CREATE (a)-[:POSTED]->(n) "
    + _NEW_POST_TAGS
)
EXISTING_POSTS_CYPHER = "UNWIND $uids AS u MATCH (p:Post {uid: u}) RETURN p.uid AS uid"
#: Before a post already in the graph is written from its row again: drop what its earlier
#: row said (its author and its own outgoing relationships), so the last row wins.
FORGET_POST_LINKS_CYPHER = (
    "UNWIND $rows AS u MATCH (p:Post {uid: u}) "
    "OPTIONAL MATCH (p)-[r:POSTED_IN|REPOST_OF|REPLY_TO|QUOTES|TAGS|LINKS_TO|MENTIONS|SHARES]->() "
    "DELETE r "
    "WITH DISTINCT p OPTIONAL MATCH ()-[w:POSTED]->(p) DELETE w"
)
#: The author a retweet or reply names for its original: only while the original has none.
CLAIMED_AUTHOR_CYPHER = (
    "UNWIND $rows AS r MATCH (a:Account {uid: r.a}) MATCH (b:Post {uid: r.b}) "
    "OPTIONAL MATCH (x:Account)-[:POSTED]->(b) "
    "WITH a, b, count(x) AS authors WHERE authors = 0 "
    "MERGE (a)-[:POSTED]->(b)"
)

#: edge name -> (start label, start key, type, end label, end key); rows are {a, b} keys.
EDGES: dict[str, tuple[str, str, str, str, str]] = {
    "posted": ("Account", "uid", "POSTED", "Post", "uid"),
    "page": ("Post", "uid", "POSTED_IN", "Page", "uid"),
    "group": ("Post", "uid", "POSTED_IN", "Group", "uid"),
    "repost": ("Post", "uid", "REPOST_OF", "Post", "uid"),
    "reply": ("Post", "uid", "REPLY_TO", "Post", "uid"),
    "quotes": ("Post", "uid", "QUOTES", "Post", "uid"),
    "tags": ("Post", "uid", "TAGS", "Hashtag", "tag"),
    "links": ("Post", "uid", "LINKS_TO", "Url", "url"),
    "mentions": ("Post", "uid", "MENTIONS", "Account", "uid"),
    "shares": ("Post", "uid", "SHARES", "Object", "key"),
}
#: (edge name, verb) -> statement. CREATE for edges of posts that did not exist before
#: this batch (they cannot have the edge yet); MERGE otherwise.
EDGE_CYPHER: dict[tuple[str, str], str] = {
    (name, verb): (
        f"UNWIND $rows AS r MATCH (a:{a} {{{ak}: r.a}}) MATCH (b:{b} {{{bk}: r.b}}) "
        f"{verb} (a)-[:{rel}]->(b)"
    )
    for name, (a, ak, rel, b, bk) in EDGES.items()
    for verb in ("CREATE", "MERGE")
}
# Relation files may name nodes no other file describes: MERGE stubs for both ends.
#: relation -> (start label, type, end label); rows carry both ends' uid, platform, id.
RELATIONS: dict[str, tuple[str, str, str]] = {
    "admins": ("Account", "ADMINISTERS", "Page"),
    "members": ("Account", "MEMBER_OF", "Group"),
    "follows": ("Account", "FOLLOWS", "Account"),
}
RELATION_CYPHER: dict[str, str] = {
    name: (
        f"UNWIND $rows AS r "
        f"MERGE (a:{a} {{uid: r.a}}) ON CREATE SET a.platform = r.ap, a.id = r.ai, "
        "a.source = $source "
        f"MERGE (b:{b} {{uid: r.b}}) ON CREATE SET b.platform = r.bp, b.id = r.bi, "
        "b.source = $source "
        f"MERGE (a)-[:{rel}]->(b)"
    )
    for name, (a, rel, b) in RELATIONS.items()
}
LABELS_CYPHER: dict[str, str] = {
    label: (
        f"UNWIND $rows AS r MERGE (n:{label} {{uid: r.uid}}) "
        "ON CREATE SET n.platform = r.platform, n.id = r.id, n.source = $source "
        "SET n.truth_label = r.truth_label, n.truth_cluster = r.truth_cluster"
    )
    for label in ("Account", "Page", "Group")
}
CHECKPOINT_CYPHER = (
    "MERGE (c:LoadCheckpoint {key: $key}) "
    "SET c.file = $file, c.format = $format, c.dataset = $source, c.records = $records, "
    "c.complete = $complete, c.updated_at = $now"
)
READ_CHECKPOINT_CYPHER = (
    "MATCH (c:LoadCheckpoint {key: $key}) RETURN c.records AS records, c.complete AS complete"
)
