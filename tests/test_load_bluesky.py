"""Bluesky Jetstream events (real captured events and the 2026 framing) into the graph,
exactly: posts, a repost of a post outside the file, a reply, a quote inside
recordWithMedia, link and tag facets, external embeds, a follow, a handle; likes,
deletes and account events skipped; a forged DID rejected."""

from pathlib import Path

from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph

A = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
GERMAN = "did:plc:4imeuitzy2wizyngczhdguzn"
D, E = (f"did:plc:{c * 24}" for c in "de")
X = "did:plc:xgsysfc6hrwpf5nna5fxmj5c"
ORIGINAL = "did:plc:yw3qqfa7hrhmwbc6wyrq5u7f/3lbrhjs5mmc22"


def test_jetstream_events(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "bluesky", tmp_path)
    (f,) = report.files
    assert f.format == "bluesky-jetstream"
    assert (f.loaded, f.rejected) == (10, 1)
    assert report.first_rejects == [
        f"{FIXTURES / 'bluesky' / 'jetstream.jsonl'}:10: field 'did': 'not-a-did' is not a "
        "DID (did:plc:...)"
    ]
    assert {k: v["examples"] for k, v in f.dropped.items()} == {
        "subject": ["line 11: 'https://bsky.app/profile/x/post/1' is not a post's at:// URI"]
    }
    posted = "MATCH (a:Account)-[:POSTED]->(p:Post) WHERE p.ts IS NOT NULL RETURN a.id, p.id"
    assert pairs(graph, posted) == {
        (X, f"{X}/repost/3lbrtimnp3z25"),
        (GERMAN, f"{GERMAN}/3lbsi7n2vdm2x"),
        (A, f"{A}/3lbt2aaaaab2b"),
        (D, f"{D}/repost/3lbt2ddddde2b"),
        (E, f"{E}/repost/3lbt2eeeeee2b"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPOST_OF]->(o:Post) RETURN p.id, o.id") == {
        (f"{X}/repost/3lbrtimnp3z25", ORIGINAL),
        (f"{D}/repost/3lbt2ddddde2b", f"{A}/3lbt2aaaaab2b"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPLY_TO]->(o:Post) RETURN p.id, o.id") == {
        (f"{GERMAN}/3lbsi7n2vdm2x", f"{GERMAN}/3lbsi7hdoji2u")
    }
    assert pairs(graph, "MATCH (p:Post)-[:QUOTES]->(o:Post) RETURN p.id, o.id") == {
        (f"{A}/3lbt2aaaaab2b", "did:plc:cccccccccccccccccccccccc/3lbs7ccccc22c")
    }
    assert pairs(graph, "MATCH (p:Post)-[:LINKS_TO]->(u:Url) RETURN p.id, u.url") == {
        (f"{GERMAN}/3lbsi7n2vdm2x", "https://www.coronawarn.app/en/faq"),
        (f"{A}/3lbt2aaaaab2b", "https://example.org/report"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:TAGS]->(h:Hashtag) RETURN p.id, h.tag") == {
        (f"{A}/3lbt2aaaaab2b", "bskyresearch")
    }
    assert pairs(graph, "MATCH (p:Post)-[:MENTIONS]->(a:Account) RETURN p.id, a.id") == {
        (f"{A}/3lbt2aaaaab2b", "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb")
    }
    assert pairs(graph, "MATCH (a:Account)-[:FOLLOWS]->(b:Account) RETURN a.id, b.id") == {
        ("did:plc:5z3jsxbvy6k3arqa2csj66li", "did:plc:vqdfh7svffgjkes4iz54iyz7")
    }
    handle = one(
        graph, "MATCH (a:Account {id: 'did:plc:ufbl4k27gp6kzas5glhz7fim'}) RETURN a.handle AS h"
    )
    assert handle == {"h": "yohenrique.bsky.social"}
    # the time Jetstream saw the post, not its client-written (backdated) createdAt
    german = one(
        graph,
        "MATCH (p:Post {id: $id}) RETURN p.ts AS ts, p.language AS l",
        {"id": f"{GERMAN}/3lbsi7n2vdm2x"},
    )
    assert german == {"ts": 1732570668, "l": None}
    assert one(
        graph, "MATCH (p:Post {id: $id}) RETURN p.language AS l", {"id": f"{A}/3lbt2aaaaab2b"}
    ) == {"l": "en"}
    assert "Like" not in counts(graph)
