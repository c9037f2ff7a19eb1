"""Fast path: a file read by DuckDB into the action store's columns, no Python row per record.

For ``cibgraph detect FILES`` (file in, network out), layouts whose actions are plain
columns are read by DuckDB into tables with the store's columns, with one SQL statement
per table, the way the QUT toolkit reads its CSV; detection reads those tables in memory
(:mod:`analytics.fromfiles`), and :func:`copy_to_store` writes them as the store's
Parquet. The row parser stays the definition: this path takes a file only when every
record is one the row parser would load unchanged, and otherwise returns None so the
caller uses the row parser (which names file, line and field for every reject).

What it checks: ids as ``clean_id`` accepts them, times as ``float()`` reads them, no NUL
byte in the file, no field or record over the size limits (in bytes, which bounds the row
parser's characters), no multi-line field near the row parser's line limit or with a line
that could read as a row (an unclosed quote), no duplicate post ids, one username per
user, and a column count DuckDB's strict CSV mode accepts.

Derived columns the row parser computes in Python are left null here and derived when
read, only if a signal needs them (:mod:`analytics.store`): ``text_key`` (normalised text)
and ``hashtags`` (from the text). URLs go through :func:`loader.urls.normalise_url` once
per distinct URL that is not already in normal form (most are).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from loader.formats.common import MAX_FIELD_CHARS
from loader.formats.qut import COLUMNS as QUT_COLUMNS
from loader.reader import MAX_RECORD_CHARS, MAX_RECORD_LINES, read_header
from loader.store import StoreWriter, sql_path
from loader.urls import domain_of, normalise_url

if TYPE_CHECKING:  # imported where used: a load that never reads a file here never needs it
    import duckdb

#: Formats this module can read: the QUT toolkit's generic CSV.
FORMATS = ("qut",)

# Python's whitespace (str.split, str.strip, str.isspace), so ids, names and urls are
# trimmed and split exactly as the row parser does it.
_PY_SPACE_CLASS = (
    r"[\t\n\x{0b}\x{0c}\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)
_PY_WHITESPACE = _PY_SPACE_CLASS + "+"
# A URL normalise_url leaves unchanged: lower-case http(s) scheme and host, no port, user,
# query or fragment, a path that is '/' or does not end in '/'.
_NORMAL_URL = r"^https?://[a-z0-9-]+(\.[a-z0-9-]+)*(/|(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+)$"
# Ids as clean_id accepts them: plain digits or a plain name at once, anything else
# through its rules.
_ID_OK = (
    "CASE WHEN regexp_full_match({c}, '[0-9]+') THEN true "
    # a letter or _ first: never a float or scientific notation, and no white space
    "WHEN regexp_full_match({c}, '[A-Za-z_][A-Za-z0-9_-]*') THEN true "
    "WHEN {c} IS NULL OR {c} = '' THEN false "
    r"ELSE NOT regexp_matches({c}, '^[+-]?\d+(\.\d+)?[eE][+-]?\d+$') "
    r"AND NOT regexp_matches({c}, '^\d+\.\d*$') AND NOT regexp_matches({c}, '"
    + _PY_SPACE_CLASS
    + "') END"
)
_OPT_ID_OK = "(coalesce({c}, '') = '' OR (" + _ID_OK + "))"


def _ok(template: str, column: str) -> str:
    return template.replace("{c}", column)


# Times as float() reads them, inside the years datetime accepts.
_TS_OK = (
    "CASE WHEN regexp_full_match(ts_raw, '[0-9]{1,11}') THEN true "
    r"WHEN NOT regexp_matches(ts_raw, '^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$') "
    "THEN false ELSE isfinite(TRY_CAST(ts_raw AS DOUBLE)) "
    "AND TRY_CAST(ts_raw AS DOUBLE) BETWEEN -62135596800 AND 253402300799 END"
)
# Ids, names and times lose their spaces (DuckDB's trim); any other white space left at
# either end sends the file to the row parser, whose str.strip() is the definition.
_READ_QUT_SQL = f"""
CREATE OR REPLACE TEMP TABLE raw AS
SELECT trim(column0) AS message_id, trim(column1) AS user_id,
       trim(column2) AS username, trim(column3) AS repost_id,
       trim(column4) AS reply_id, column5 AS message,
       trim(column6) AS ts_raw, column7 AS urls,
       greatest(strlen(column0), strlen(column1), strlen(column2), strlen(column3),
                strlen(column4), strlen(column5), strlen(column6), strlen(column7)) AS widest,
       CASE WHEN widest > {MAX_RECORD_CHARS // 8} -- else 8 fields are within the limit
            THEN coalesce(strlen(column0), 0) + coalesce(strlen(column1), 0)
                 + coalesce(strlen(column2), 0) + coalesce(strlen(column3), 0)
                 + coalesce(strlen(column4), 0) + coalesce(strlen(column5), 0)
                 + coalesce(strlen(column6), 0) + coalesce(strlen(column7), 0) END AS total_chars,
       CASE WHEN contains(column5, chr(10)) OR contains(column5, chr(13))
                 OR contains(column2, chr(10)) OR contains(column2, chr(13))
                 OR contains(column7, chr(10)) OR contains(column7, chr(13))
            THEN concat_ws(chr(10), column2, column5, column7) END AS multiline
FROM read_csv($path, header = true, all_varchar = true, auto_detect = false,
              delim = $delim, quote = '"', escape = '"', strict_mode = true,
              columns = {{'column0': 'VARCHAR', 'column1': 'VARCHAR', 'column2': 'VARCHAR',
                         'column3': 'VARCHAR', 'column4': 'VARCHAR', 'column5': 'VARCHAR',
                         'column6': 'VARCHAR', 'column7': 'VARCHAR'}})
"""
_CHECK_SQL = f"""
SELECT count(*) AS records,
       count(*) FILTER (WHERE NOT coalesce((
            {_ok(_ID_OK, "message_id")} AND {_ok(_ID_OK, "user_id")}
        AND {_ok(_OPT_ID_OK, "repost_id")} AND {_ok(_OPT_ID_OK, "reply_id")}
        AND {_TS_OK}
        AND NOT regexp_matches(coalesce(username, ''), '^{_PY_SPACE_CLASS}|{_PY_SPACE_CLASS}$')
        AND coalesce(widest, 0) <= {MAX_FIELD_CHARS}
        AND coalesce(total_chars, 0) <= {MAX_RECORD_CHARS}
        AND (multiline IS NULL OR (
            strlen(multiline) - strlen(regexp_replace(multiline, '[\r\n]', '', 'g'))
                < {MAX_RECORD_LINES - 2}
            AND NOT regexp_matches(multiline, '[\r\n]([^\r\n]*[,;\t]){{{len(QUT_COLUMNS) - 1}}}')))
       ), false)) AS bad,
       count(*) - count(DISTINCT message_id) AS duplicate_posts
FROM raw
"""
_MANY_NAMES_SQL = """
SELECT count(*) FROM (
    SELECT user_id FROM raw WHERE nullif(username, '') IS NOT NULL
    GROUP BY user_id HAVING count(DISTINCT username) > 1
)
"""
_URL_TOKENS_SQL = f"""
CREATE OR REPLACE TEMP TABLE tokens AS
SELECT message_id, token
FROM (SELECT message_id, unnest(regexp_split_to_array(urls, '{_PY_WHITESPACE}')) AS token
      FROM raw WHERE coalesce(urls, '') <> '')
WHERE token <> ''
"""
_ODD_URLS_SQL = "SELECT DISTINCT token FROM tokens WHERE NOT regexp_matches(token, $normal)"
_ACTIONS_SQL = """
CREATE OR REPLACE TABLE {table} AS
    WITH links AS (
        SELECT t.message_id,
               list(DISTINCT coalesce(m.url, t.token)) FILTER (
                   WHERE m.token IS NULL OR m.url IS NOT NULL) AS urls,
               list(DISTINCT coalesce(m.domain, regexp_replace(
                   regexp_extract(t.token, '^https?://([^/]+)', 1), '^www\\.', ''))) FILTER (
                   WHERE m.token IS NULL OR m.url IS NOT NULL) AS domains
        FROM tokens t LEFT JOIN odd m ON m.token = t.token
        GROUP BY t.message_id
    )
    SELECT $platform || ':' || r.message_id AS post,
           $platform || ':' || r.user_id AS actor,
           CAST(trunc(CAST(r.ts_raw AS DOUBLE)) AS BIGINT) AS ts,
           CASE WHEN coalesce(r.repost_id, '') <> '' THEN 'repost'
                WHEN coalesce(r.reply_id, '') <> '' THEN 'reply'
                ELSE 'post' END AS kind,
           CASE WHEN coalesce(r.repost_id, '') <> ''
                THEN $platform || ':' || r.repost_id END AS repost_of,
           CASE WHEN coalesce(r.reply_id, '') <> ''
                THEN $platform || ':' || r.reply_id END AS reply_to,
           CAST(NULL AS VARCHAR) AS posted_in,
           coalesce(l.urls, []::VARCHAR[]) AS urls,
           coalesce(l.domains, []::VARCHAR[]) AS domains,
           CAST(NULL AS VARCHAR[]) AS hashtags,
           []::VARCHAR[] AS objects,
           nullif(r.message, '') AS text,
           CAST(NULL AS VARCHAR) AS text_key,
           CAST($seq AS BIGINT) AS seq
    FROM raw r LEFT JOIN links l ON l.message_id = r.message_id
"""
_ACCOUNTS_SQL = """
CREATE OR REPLACE TABLE {table} AS
    SELECT $platform || ':' || user_id AS uid,
           max(nullif(username, '')) AS handle,
           CAST(NULL AS BIGINT) AS created_ts, CAST(NULL AS BOOLEAN) AS hashed,
           CAST($seq AS BIGINT) AS seq
    FROM raw GROUP BY user_id
"""


def write_qut(path: Path, store: StoreWriter, part: str, platform: str) -> int | None:
    """Read a QUT CSV into ``store`` as part ``part``; the record count, or None when a
    record needs the row parser (see the module doc)."""
    import duckdb

    con = duckdb.connect()
    try:
        found = read_qut(con, path, platform)
        if found is not None:
            copy_to_store(con, store, part)
        return found
    finally:
        con.close()


def read_qut(
    con: duckdb.DuckDBPyConnection, path: Path, platform: str, name: str = "out"
) -> int | None:
    """Read a QUT CSV into the tables ``{name}_actions`` and ``{name}_accounts`` of ``con``
    (the store's columns); the record count, or None when a record needs the row parser.
    ``name`` is an identifier chosen by the caller, never user text."""
    import duckdb

    if _has_nul(path):
        return None
    _, delimiter = read_header(path)
    try:
        con.execute(_READ_QUT_SQL, {"path": str(path), "delim": delimiter})
    except duckdb.Error:
        return None  # quoting, encoding or column counts DuckDB will not read strictly
    records, bad, duplicates = con.execute(_CHECK_SQL).fetchone()  # type: ignore[misc]
    if bad or duplicates or con.execute(_MANY_NAMES_SQL).fetchone()[0]:  # type: ignore[index]
        return None
    con.execute(_URL_TOKENS_SQL)
    odd = [row[0] for row in con.execute(_ODD_URLS_SQL, {"normal": _NORMAL_URL}).fetchall()]
    normal = [normalise_url(token) for token in odd]
    con.execute("CREATE OR REPLACE TEMP TABLE odd (token VARCHAR, url VARCHAR, domain VARCHAR)")
    if odd:
        con.executemany(
            "INSERT INTO odd VALUES (?, ?, ?)",
            [(t, u, domain_of(u) if u else None) for t, u in zip(odd, normal, strict=True)],
        )
    params = {"platform": platform, "seq": time.time_ns()}
    for table, sql in (("actions", _ACTIONS_SQL), ("accounts", _ACCOUNTS_SQL)):
        con.execute(sql.replace("{table}", f"{name}_{table}"), params)
    for temp in ("raw", "tokens", "odd"):
        con.execute(f"DROP TABLE {temp}")
    return int(records)


def _has_nul(path: Path, chunk: int = 1 << 24) -> bool:
    """Whether the file holds a NUL byte anywhere (a scan at disk speed, before DuckDB)."""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            if b"\0" in block:
                return True
    return False


def copy_to_store(
    con: duckdb.DuckDBPyConnection, store: StoreWriter, part: str, name: str = "out"
) -> None:
    """Write the tables :func:`read_qut` left in ``con`` into ``store`` as part ``part``."""
    for table in ("actions", "accounts"):
        target = store.part_path(table, part)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        con.execute(f"COPY {name}_{table} TO '{sql_path(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
        tmp.replace(target)
    for table in ("pages", "admins"):
        store.part_path(table, part).unlink(missing_ok=True)
    store.note_dataset()
