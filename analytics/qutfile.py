"""Co-action edges straight from a QUT toolkit CSV, without a graph (file in, edges out).

For side-by-side comparison with the QUT coordination-network-toolkit and for quick
triage of a file before loading it. DuckDB reads the 8-column generic CSV (by position:
``message_id, user_id, username, repost_id, reply_id, message, timestamp, urls``) and the
same :data:`analytics.coaction.COACTION_SQL` computes the edges, so the definition is the
one `cibgraph detect` uses. As in the toolkit, the urls of reposts are ignored and urls are
space-separated; unlike it, an empty url field yields no url (the toolkit stores an
empty-string url for every message without one and links all such messages).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.coaction import SignalParams, run_coaction

READ_SQL = """
CREATE TEMP TABLE messages AS
SELECT column0 AS message_id, column1 AS user_id, column3 AS repost_id,
       TRY_CAST(column6 AS DOUBLE) AS ts, column7 AS urls
FROM read_csv(?, header = true, all_varchar = true, auto_detect = false,
              columns = {'column0': 'VARCHAR', 'column1': 'VARCHAR', 'column2': 'VARCHAR',
                         'column3': 'VARCHAR', 'column4': 'VARCHAR', 'column5': 'VARCHAR',
                         'column6': 'VARCHAR', 'column7': 'VARCHAR'})
WHERE TRY_CAST(column6 AS DOUBLE) IS NOT NULL  -- rows without a usable time are skipped
"""
SIGNAL_SQL = {
    "repost": """
        CREATE TEMP VIEW acts AS
        SELECT user_id AS actor, message_id AS post, ts, repost_id AS obj FROM messages
        WHERE coalesce(repost_id, '') <> ''
    """,
    "url": """
        CREATE TEMP VIEW acts AS
        SELECT actor, post, ts, obj FROM (
            SELECT user_id AS actor, message_id AS post, ts,
                   unnest(string_split(coalesce(urls, ''), ' ')) AS obj
            FROM messages WHERE coalesce(repost_id, '') = ''
        ) WHERE obj <> ''
    """,
}


def edges_from_qut_csv(
    path: str | Path, signals: tuple[str, ...], params: SignalParams
) -> dict[str, list[tuple[str, str, int]]]:
    """signal -> (user_1, user_2, weight) edges, for ``repost`` and/or ``url``; the file is
    read once."""
    unknown = [s for s in signals if s not in SIGNAL_SQL]
    if unknown:
        raise ValueError(f"signals must be among {', '.join(SIGNAL_SQL)}, not {unknown}")
    con = duckdb.connect()
    out: dict[str, list[tuple[str, str, int]]] = {}
    try:
        con.execute(READ_SQL, [str(path)])
        for signal in signals:
            con.execute("DROP VIEW IF EXISTS acts")
            con.execute(SIGNAL_SQL[signal])
            found, _ = run_coaction(con, params)
            out[signal] = list(
                zip(
                    found["src"].tolist(),
                    found["dst"].tolist(),
                    found["weight"].tolist(),
                    strict=True,
                )
            )
    finally:
        con.close()
    return out
