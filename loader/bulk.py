"""Records -> CSV files for ``neo4j-admin database import full`` (datasets too big for
transactional loading). Same parsers, same rejects, same graph model as the loader.

Written by ``cibgraph load PATHS --bulk-csv DIR``. Then, on the Neo4j host (database
stopped or new)::

    neo4j-admin database import full neo4j --overwrite-destination \\
        --skip-duplicate-nodes=true --skip-bad-relationships=true \\
        $(cat DIR/import-args.txt)
    cibgraph db schema      # constraints, indexes, schema version

``import-args.txt`` lists the ``--nodes=...``/``--relationships=...`` arguments for the
files written. Nodes are deduplicated here (later values win, stubs only when no full
record exists); relationships that can repeat across rows are deduplicated too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import OrderedDict
from pathlib import Path
from typing import Any

from loader.records import PostLinks, Props, Row
from loader.urls import domain_of
from loader.writer import EDGES

#: label -> property columns and their neo4j-admin types (the key column comes first).
NODE_COLUMNS: dict[str, dict[str, str]] = {
    "Account": {
        "uid": "ID(Account)",
        "platform": "",
        "id": "",
        "handle": "",
        "display_name": "",
        "created_at": "datetime",
        "followers": "long",
        "following": "long",
        "language": "",
        "location": "",
        "description": "",
        "profile_url": "",
        "hashed": "boolean",
        "ira_category": "",
        "ira_account_type": "",
        "ira_author_id": "",
        "truth_label": "",
        "truth_cluster": "",
        "source": "",
    },
    "Page": {
        "uid": "ID(Page)",
        "platform": "",
        "id": "",
        "name": "",
        "handle": "",
        "category": "",
        "created_at": "datetime",
        "admin_country": "",
        "followers": "long",
        "description": "",
        "news_like": "boolean",
        "verified": "boolean",
        "truth_label": "",
        "truth_cluster": "",
        "source": "",
    },
    "Group": {
        "uid": "ID(Group)",
        "platform": "",
        "id": "",
        "name": "",
        "created_at": "datetime",
        "followers": "long",
        "description": "",
        "verified": "boolean",
        "truth_label": "",
        "truth_cluster": "",
        "source": "",
    },
    "Post": {
        "uid": "ID(Post)",
        "platform": "",
        "id": "",
        "text": "",
        "created_at": "datetime",
        "ts": "long",
        "language": "",
        "client": "",
        "type": "",
        "url": "",
        "like_count": "long",
        "share_count": "long",
        "reply_count": "long",
        "quote_count": "long",
        "interactions": "long",
        "seed_link": "boolean",
        "is_repost": "boolean",
        "latitude": "double",
        "longitude": "double",
        "overperforming": "double",
        "source": "",
    },
    "Url": {"url": "ID(Url)", "source": ""},
    "Domain": {"name": "ID(Domain)", "source": ""},
    "Hashtag": {"tag": "ID(Hashtag)", "source": ""},
    "Object": {"key": "ID(Object)", "source": ""},
}
#: Posts whose written items are remembered, for layouts that repeat a post per item.
RECENT_POSTS = 1_000_000  # as many as the CooRTweet reader remembers
REL_FILES: dict[str, tuple[str, str, str]] = {
    **{name: (a, rel, b) for name, (a, _, rel, b, _) in EDGES.items()},
    "on_domain": ("Url", "ON_DOMAIN", "Domain"),
    "administers": ("Account", "ADMINISTERS", "Page"),
    "member_of": ("Account", "MEMBER_OF", "Group"),
    "follows": ("Account", "FOLLOWS", "Account"),
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


class BulkWriter:
    """Collects rows and writes neo4j-admin import files into ``out_dir``."""

    def __init__(self, out_dir: Path, source: str) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.source = source
        self.entities: dict[str, dict[str, Props]] = {"Account": {}, "Page": {}, "Group": {}}
        self.post_stubs: dict[str, Props] = {}
        self.post_ids: set[str] = set()
        self.urls: set[str] = set()
        self.hashtags: set[str] = set()
        self.objects: set[str] = set()
        self._recent: OrderedDict[str, set[tuple[str, str]]] = OrderedDict()
        self.rel_sets: dict[str, set[tuple[str, str]]] = {
            "posted_originals": set(),
            "administers": set(),
            "member_of": set(),
            "follows": set(),
        }
        self._handles: dict[str, Any] = {}
        self._writers: dict[str, csv.writer] = {}  # type: ignore[valid-type]
        self.counts: dict[str, int] = {}
        posts = NODE_COLUMNS["Post"]
        self._writer("nodes-Post", [f"{k}:{t}" if t else k for k, t in posts.items()])
        for name, (a, _, b) in REL_FILES.items():
            if name in ("posted_originals",):
                continue
            self._writer(f"rels-{name}", [f":START_ID({a})", f":END_ID({b})"])

    def _writer(self, name: str, header: list[str]) -> Any:
        if name not in self._writers:
            handle = open(  # noqa: SIM115 (closed in close())
                self.out_dir / f"{name}.csv",
                "w",
                newline="",
                encoding="utf-8",
            )
            self._handles[name] = handle
            self._writers[name] = csv.writer(handle)
            self._writers[name].writerow(header)
            self.counts[name] = 0
        return self._writers[name]

    def _row(self, name: str, values: list[Any]) -> None:
        self._writers[name].writerow(values)
        self.counts[name] += 1

    def _items(self, uid: str, links: PostLinks) -> None:
        """The post's tags, links, mentions and objects not written for it yet (the
        items of the last RECENT_POSTS posts are remembered)."""
        written = self._recent.pop(uid, set())
        for name, items in (
            ("tags", links.hashtags),
            ("links", links.urls),
            ("mentions", links.mentions),
            ("shares", links.objects),
        ):
            for item in items:
                if (name, item) in written:
                    continue
                written.add((name, item))
                if name == "tags":
                    self.hashtags.add(item)
                elif name == "links":
                    self.urls.add(item)
                elif name == "mentions":
                    self.entities["Account"].setdefault(item, _stub(item))
                else:
                    self.objects.add(item)
                self._row(f"rels-{name}", [uid, item])
        self._recent[uid] = written
        if len(self._recent) > RECENT_POSTS:
            self._recent.popitem(last=False)

    def add(self, row: Row) -> None:
        for label, records in (
            ("Account", row.accounts),
            ("Page", row.pages),
            ("Group", row.groups),
        ):
            table = self.entities[label]
            for rec in records:
                known = table.setdefault(rec["uid"], {})
                known.update(rec)
        for post, links in row.posts:
            uid = post["uid"]
            if uid in self.post_ids:
                # a post twice in the input: its first row's properties win, as the key
                # would; a layout that writes a post once per link or object (CooRnet,
                # CooRTweet) adds that row's further items
                self._items(uid, links)
                continue
            self.post_ids.add(uid)
            self.post_stubs.pop(uid, None)
            self._row(
                "nodes-Post",
                [_cell({**post, "source": self.source}.get(k)) for k in NODE_COLUMNS["Post"]],
            )
            if links.author:
                self.entities["Account"].setdefault(links.author, _stub(links.author))
                self._row("rels-posted", [links.author, uid])
            if links.posted_in:
                kind = "page" if links.posted_in_kind == "Page" else "group"
                self._row(f"rels-{kind}", [uid, links.posted_in])
            for name, target in (
                ("repost", links.repost_of),
                ("reply", links.reply_to),
                ("quotes", links.quotes),
            ):
                if target:
                    self._row(f"rels-{name}", [uid, target])
                    if target not in self.post_ids:
                        self.post_stubs.setdefault(target, _stub(target))
            for original, author in (
                (links.repost_of, links.repost_of_author),
                (links.reply_to, links.reply_to_author),
            ):
                if original and author:
                    self.rel_sets["posted_originals"].add((author, original))
            self._items(uid, links)
        for name, pairs in (
            ("administers", row.admins),
            ("member_of", row.members),
            ("follows", row.follows),
        ):
            for a, b in pairs:
                self.rel_sets[name].add((a, b))
                self.entities["Account"].setdefault(a, _stub(a))
                other = {"administers": "Page", "member_of": "Group", "follows": "Account"}[name]
                self.entities[other].setdefault(b, _stub(b))
        for label in row.labels:
            table = self.entities[label["label_of"]]
            known = table.setdefault(label["uid"], _stub(label["uid"]))
            known.update(
                truth_label=label.get("truth_label"), truth_cluster=label.get("truth_cluster")
            )

    def close(self) -> list[str]:
        """Write the collected node and relationship files; return neo4j-admin arguments."""
        for uid, stub in self.post_stubs.items():
            if uid not in self.post_ids:
                self._row(
                    "nodes-Post",
                    [_cell({**stub, "source": self.source}.get(k)) for k in NODE_COLUMNS["Post"]],
                )
        for author, original in sorted(self.rel_sets["posted_originals"]):
            if original not in self.post_ids:  # else its own row gave its author
                self._row("rels-posted", [author, original])
        for name in ("administers", "member_of", "follows"):
            for a, b in sorted(self.rel_sets[name]):
                self._row(f"rels-{name}", [a, b])
        for label, table in self.entities.items():
            columns = NODE_COLUMNS[label]
            header = [f"{k}:{t}" if t else k for k, t in columns.items()]
            if label == "Page":
                header.append(":LABEL")
            writer_name = f"nodes-{label}"
            self._writer(writer_name, header)
            for rec in table.values():
                values = [_cell({"source": self.source, **rec}.get(k)) for k in columns]
                if label == "Page":
                    values.append("Page;NewsLike" if rec.get("news_like") else "Page")
                self._row(writer_name, values)
        self._writer("nodes-Hashtag", ["tag:ID(Hashtag)", "source"])
        for tag in sorted(self.hashtags):
            self._row("nodes-Hashtag", [tag, self.source])
        self._writer("nodes-Object", ["key:ID(Object)", "source"])
        for key in sorted(self.objects):
            self._row("nodes-Object", [key, self.source])
        self._writer("nodes-Url", ["url:ID(Url)", "source"])
        self._writer("nodes-Domain", ["name:ID(Domain)", "source"])
        self._writer("rels-on_domain", [":START_ID(Url)", ":END_ID(Domain)"])
        domains = set()
        for url in sorted(self.urls):
            domain = domain_of(url)
            domains.add(domain)
            self._row("nodes-Url", [url, self.source])
            self._row("rels-on_domain", [url, domain])
        for domain in sorted(domains):
            self._row("nodes-Domain", [domain, self.source])
        for handle in self._handles.values():
            handle.close()
        args = []
        for name in sorted(self.counts):
            if not self.counts[name]:
                (self.out_dir / f"{name}.csv").unlink()
                continue
            kind, what = name.split("-", 1)
            if kind == "nodes":
                label = "" if what == "Page" else f"{what}="  # Page rows carry :LABEL
                args.append(f"--nodes={label}{name}.csv")
            else:
                args.append(f"--relationships={REL_FILES[what][1]}={name}.csv")
        (self.out_dir / "import-args.txt").write_text(" ".join(args) + "\n")
        return args


def _stub(uid: str) -> Props:
    platform, ident = uid.split(":", 1)
    return {"uid": uid, "platform": platform, "id": ident}
