"""Ways of writing into the embedded server, side by side (the figures behind
docs/decisions/0007-embedded-fast-ingest.md).

    python benchmarks/embedded_routes.py [--rows 20000] [--rounds 2]

One fresh embedded server, the cibgraph schema applied, then for each round:

1. nodes: ``UNWIND ... CREATE ... SET n += r`` over Bolt against ArcadeDB's own importer
   (``IMPORT DATABASE`` with a vertices CSV, run inside the server through its HTTP API on
   127.0.0.1) for the same Post-like rows;
2. edges between existing posts: ``UNWIND ... MATCH ... MATCH ... CREATE`` over Bolt,
   ``IMPORT DATABASE`` with an edges CSV, and an SQL script of ``CREATE EDGE``;
3. several sessions: the same posts (distinct keys) and edges written by one session and by
   two at once, each session its own half of the keys;
4. fewer statements per post: a post, its POSTED edge and two TAGS edges in two statements
   (the post looked up again for its TAGS) against one statement.

Rates are rows per second (median of the rounds); the machine's load average is printed
beside each, since figures on a shared machine move with the other work. The root
password travels in the HTTP Authorization header only.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cibgraph.embedded import EmbeddedServer, ServerState
from cibgraph.graph import Graph, connect
from cibgraph.schema import apply_schema
from cibgraph.settings import EMBEDDED_DATABASE, Settings

BATCH = 5000
CSV_KEYS = ("uid", "platform", "id", "text", "ts", "language", "client", "like_count")
CREATE_POSTS = "UNWIND $rows AS r CREATE (n:Post {uid: r.uid}) SET n += r"
CREATE_EDGES = (
    "UNWIND $rows AS r MATCH (a:Post {uid: r.a}) MATCH (b:Post {uid: r.b}) "
    "CREATE (a)-[:REPOST_OF]->(b)"
)
AUTHORED = (
    "UNWIND $rows AS r MATCH (a:Account {uid: r.author}) "
    "CREATE (n:Post {uid: r.props.uid}) SET n += r.props CREATE (a)-[:POSTED]->(n)"
)
TAGS = (
    "UNWIND $rows AS r MATCH (a:Post {uid: r.a}) MATCH (b:Hashtag {tag: r.b}) "
    "CREATE (a)-[:TAGS]->(b)"
)
AUTHORED_WITH_TAGS = (
    AUTHORED + " WITH n, r UNWIND r.tags AS t MATCH (h:Hashtag {tag: t}) CREATE (n)-[:TAGS]->(h)"
)
SETUP = (
    "UNWIND range(0, 999) AS i CREATE (:Account {uid: 'bench:u' + toString(i)})",
    "UNWIND range(0, 199) AS i CREATE (:Hashtag {tag: 'tag' + toString(i)})",
    # SQL's CREATE EDGE needs the edge types to exist
    "CREATE (a:Post {uid: 'bench:w1'})-[:QUOTES]->(b:Post {uid: 'bench:w2'}) "
    "CREATE (a)-[:REPLY_TO]->(b)",
)


def post(i: int, tag: str) -> dict[str, Any]:
    return {
        "uid": f"bench:{tag}{i}",
        "platform": "bench",
        "id": f"{tag}{i}",
        "text": f"post {i} about #tag{i % 200}",
        "ts": str(1564617600 + i),  # text, as the importer stores every CSV value
        "language": "zh",
        "client": "Twitter for Android",
        "like_count": str(i % 50),
    }


class Http:
    """SQL commands to the embedded server's HTTP API (127.0.0.1 only)."""

    def __init__(self, state: ServerState, password: str) -> None:
        self.url = f"http://127.0.0.1:{state.http_port}/api/v1/command/{EMBEDDED_DATABASE}"
        token = base64.b64encode(f"root:{password}".encode()).decode()
        self.headers = {"Content-Type": "application/json", "Authorization": f"Basic {token}"}

    def run(self, language: str, command: str) -> Any:
        body = json.dumps({"language": language, "command": command}).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=900) as answer:
                return json.loads(answer.read())["result"]
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"the server refused {command[:60]!r}: {exc.read()[:300]!r}") from None


def batches(graph: Graph, cypher: str, rows: list[dict[str, Any]]) -> None:
    for k in range(0, len(rows), BATCH):
        graph.execute(cypher, {"rows": rows[k : k + BATCH]})


def sessions(graph: Graph, cypher: str, parts: list[list[dict[str, Any]]]) -> None:
    """Each part written by its own session (thread) at the same time."""
    failed: list[BaseException] = []

    def write(part: list[dict[str, Any]]) -> None:
        try:
            batches(graph, cypher, part)
        except Exception as exc:  # a transaction that kept losing its page race
            failed.append(exc)

    threads = [threading.Thread(target=write, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        print(f"    {len(failed)} session(s) failed: {type(failed[0]).__name__}")


Timer = Callable[[str, Callable[[], object]], None]


def one_round(graph: Graph, http: Http, work: Path, n: int, r: int, timed: Timer) -> None:
    a, b, c = f"a{r}_", f"b{r}_", f"c{r}_"
    empty = work / "empty.csv"  # IMPORT DATABASE wants a url; it imports it as documents
    empty.write_text("x\n")
    rows = [post(i, a) for i in range(n)]
    timed("nodes: Cypher CREATE over Bolt", lambda: batches(graph, CREATE_POSTS, rows))
    vertices = work / f"vertices{r}.csv"
    with open(vertices, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(CSV_KEYS)
        out.writerows([p[k] for k in CSV_KEYS] for p in (post(i, c) for i in range(n)))
    import_vertices = (
        f"IMPORT DATABASE file://{empty} WITH vertices = 'file://{vertices}', "
        "vertexType = 'Post', typeIdProperty = 'uid', commitEvery = 5000"
    )
    timed("nodes: IMPORT DATABASE vertices", lambda: http.run("sql", import_vertices))
    pairs = [{"a": f"bench:{a}{i}", "b": f"bench:{c}{i * 7 % n}"} for i in range(n)]
    timed("edges: Cypher MATCH+CREATE over Bolt", lambda: batches(graph, CREATE_EDGES, pairs))
    edges = work / f"edges{r}.csv"
    with open(edges, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(("from", "to"))
        out.writerows((f"bench:{c}{i}", f"bench:{a}{i * 11 % n}") for i in range(n))
    import_edges = (
        f"IMPORT DATABASE file://{empty} WITH edges = 'file://{edges}', edgeType = 'REPLY_TO', "
        "typeIdProperty = 'uid', edgeFromField = 'from', edgeToField = 'to', commitEvery = 5000"
    )
    timed("edges: IMPORT DATABASE edges", lambda: http.run("sql", import_edges))

    def sql_script() -> None:
        for k in range(0, n, BATCH):
            lines = (
                f"CREATE EDGE QUOTES FROM (SELECT FROM Post WHERE uid = 'bench:{c}{i}') "
                f"TO (SELECT FROM Post WHERE uid = 'bench:{a}{i * 3 % n}')"
                for i in range(k, min(n, k + BATCH))
            )
            http.run("sqlscript", "BEGIN;" + ";".join(lines) + ";COMMIT;")

    timed("edges: SQL script CREATE EDGE over HTTP", sql_script)
    two = [post(i, b) for i in range(n)]
    timed("2 sessions: posts", lambda: sessions(graph, CREATE_POSTS, [two[0::2], two[1::2]]))
    back = [{"a": f"bench:{b}{i}", "b": f"bench:{a}{i * 7 % n}"} for i in range(n)]
    timed("2 sessions: edges", lambda: sessions(graph, CREATE_EDGES, [back[0::2], back[1::2]]))

    def authored(tag: str) -> list[dict[str, Any]]:
        return [
            {"author": f"bench:u{i % 1000}", "props": post(i, tag),
             "tags": [f"tag{i % 200}", f"tag{i * 7 % 200}"]}
            for i in range(n)
        ]  # fmt: skip

    separate_rows = authored(f"s{r}_")

    def separate() -> None:
        for k in range(0, n, BATCH):
            part = separate_rows[k : k + BATCH]
            tagged = [{"a": p["props"]["uid"], "b": t} for p in part for t in p["tags"]]
            graph.execute_many([(AUTHORED, {"rows": part}), (TAGS, {"rows": tagged})])

    timed("post+POSTED+2 TAGS, two statements", separate)
    folded = authored(f"o{r}_")
    timed(
        "post+POSTED+2 TAGS, one statement",
        lambda: batches(graph, AUTHORED_WITH_TAGS, folded),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    n = args.rows
    rates: dict[str, list[float]] = {}

    def timed(label: str, work: Callable[[], object]) -> None:
        t = time.perf_counter()
        work()
        rate = n / (time.perf_counter() - t)
        rates.setdefault(label, []).append(rate)
        print(f"{label:48s} {rate:8,.0f} rows/s   load {os.getloadavg()[0]:.1f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = EmbeddedServer(work / "db")
        state = server.start(detached=True)
        try:
            http = Http(state, server.password())
            with connect(Settings(data_dir=work / "db")) as graph:
                apply_schema(graph)
                for statement in SETUP:
                    graph.execute(statement)
                for r in range(args.rounds):
                    one_round(graph, http, work, n, r, timed)
        finally:
            server.stop()
    print("\nmedians:")
    for label, values in rates.items():
        print(f"{label:48s} {sorted(values)[len(values) // 2]:8,.0f} rows/s")


if __name__ == "__main__":
    main()
