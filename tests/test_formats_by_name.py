"""Columns are read by name: for every CSV layout, a file whose optional columns were
dropped, whose header gained unknown columns, and whose columns were reordered is still
recognised, and loads the same records; the summary lists what was missing and ignored."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_helpers import FIXTURES

from loader import load
from loader.formats import FORMATS, detect
from loader.reader import sniff_delimiter

#: layout -> (a fixture file of it, files loaded in the same call)
SAMPLES = {
    "twitter-users": ("twitter/china_082019_1_users_csv_hashed.csv", ()),
    "twitter-tweets": ("twitter/china_082019_1_tweets_csv_hashed.csv", ()),
    "ira-tweets": ("ira/IRAhandle_tweets_1.csv", ()),
    "ira-authors": ("ira_authors/authors.csv", ()),
    "ira-author-tweets": ("ira_authors/TEN_GOP.csv", ("ira_authors/authors.csv",)),
    "crowdtangle": ("crowdtangle/hk_pages_2019.csv", ()),
    "coornet-shares": ("coornet/ct_shares.csv", ()),
    "coortweet": ("coortweet/shares.csv", ()),
    "twarc2-csv": ("twarc2/tweets.csv", ()),
    "native-accounts": ("native/accounts.csv", ()),
    "native-pages": ("native/pages.csv", ()),
    "native-groups": ("native/groups.csv", ()),
    "native-posts": ("native/posts.csv", ()),
    "native-page-admins": ("native/page_admins.csv", ()),
    "native-group-members": ("native/group_members.csv", ()),
    "native-follows": ("native/follows.csv", ()),
    "native-labels": ("native/labels.csv", ()),
}


def test_every_csv_layout_has_a_sample() -> None:
    csv_layouts = {n for n, s in FORMATS.items() if not (s.jsonl or s.json_document)}
    # QUT is read by position, as its toolkit reads it: its columns are not by name
    assert csv_layouts - set(SAMPLES) == {"qut"}


def read(path: Path) -> tuple[list[str], list[list[str]], str]:
    text = path.read_text(encoding="utf-8")
    delimiter = sniff_delimiter(text.splitlines()[0])
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
    return rows[0], rows[1:], delimiter


def counts(paths: list[Path], name: str, folder: Path) -> tuple[int, int, list[str], list[str]]:
    report = load(paths, dry_run=True, report_dir=folder / "report")
    (mine,) = [f for f in report.files if Path(f.path).name == name]
    return mine.loaded, mine.rejected, mine.missing_columns, mine.ignored_columns


def layout_case(layout: str):
    sample, companions = SAMPLES[layout]
    header, rows, delimiter = read(FIXTURES / sample)
    spec = FORMATS[layout]
    fixed = {c for need in spec.required for c in ((need,) if isinstance(need, str) else need)}
    optional = [c for c in header if c not in fixed]
    return sample, companions, header, rows, delimiter, optional


@pytest.mark.parametrize("layout", sorted(SAMPLES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_optional_columns_added_dropped_and_reordered(layout: str, data: st.DataObject) -> None:
    sample, companions, header, rows, delimiter, optional = layout_case(layout)
    dropped = data.draw(
        st.lists(st.sampled_from(optional), unique=True) if optional else st.just([])
    )
    extras = data.draw(
        st.lists(st.from_regex(r"[a-z][a-z_]{2,10}", fullmatch=True), max_size=3, unique=True)
    )
    extras = [f"x_{e}" for e in extras]  # names no layout knows
    kept = [c for c in header if c not in dropped] + extras
    order = data.draw(st.permutations(kept))
    values = data.draw(
        st.lists(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8),
            min_size=len(extras),
            max_size=len(extras),
        )
    )
    rows = [row for row in rows if len(row) == len(header)]  # whole records only
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def write(target: Path, columns: list[str], extra: dict[str, str]) -> Path:
            target.parent.mkdir(parents=True, exist_ok=True)
            for companion in companions:
                shutil.copy(FIXTURES / companion, target.parent)
            with open(target, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_ALL)
                writer.writerow(columns)
                for row in rows:
                    by_name = dict(zip(header, row, strict=True)) | extra
                    writer.writerow([by_name.get(c, "") for c in columns])
            return target

        name = Path(sample).name
        original = write(folder / "original" / name, header, {})
        expected = counts(sorted(original.parent.iterdir()), name, folder / "o")
        target = write(folder / "changed" / name, order, dict(zip(extras, values, strict=True)))
        assert detect(target).name == layout
        loaded, rejected, missing, ignored = counts(
            sorted(target.parent.iterdir()), name, folder / "m"
        )
        assert (loaded, rejected) == expected[:2]
        assert ignored == [c for c in order if c in extras]
        # every known column dropped is reported (columns only some variants have are not)
        assert set(dropped) & set(FORMATS[layout].columns) <= set(missing)
