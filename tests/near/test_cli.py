"""`archiver duplicates` and editions without near-duplicates, run as a user runs them."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from tests.cli.test_cli import run
from tests.export.test_epub import epubcheck
from tests.near.conftest import BRIDGE, PRIMARIES, SCRAPES, STORM


def test_duplicates_has_help_with_an_example() -> None:
    result = run("duplicates", "--help")
    assert result.returncode == 0 and "Example: archiver duplicates" in result.stdout
    assert "--include-duplicates" in run("export", "--help").stdout
    assert "--include-duplicates" in run("build", "--help").stdout


def test_duplicates_lists_clusters_with_their_primary(near_root: Path) -> None:
    result = run("duplicates", archive=near_root)
    assert result.returncode == 0, result.stderr
    assert "made near-duplicate signatures for 9 articles" in result.stderr
    assert result.stderr.rstrip().endswith("3 clusters of near-duplicates (6 articles)")
    blocks = result.stdout.split("cluster ")[1:]
    assert [b.split("\n")[0] for b in blocks] == ["1: 2 articles", "2: 2 articles", "3: 2 articles"]
    storm = blocks[1].splitlines()
    assert "primary" in storm[1] and "Storm surge floods Westhaven harbour front" in storm[1]
    assert re.search(r"0\.8\d \(estimated 0\.\d\d\) +Sea breaches Westhaven wall", storm[2])
    again = run("duplicates", archive=near_root)
    assert again.stderr.startswith("3 clusters")  # the signatures were kept: nothing made this time


def test_duplicates_json(near_root: Path) -> None:
    data = json.loads(run("duplicates", "--json", archive=near_root).stdout)
    assert [{m["name"] for m in c["members"]} for c in data] == [BRIDGE, STORM, SCRAPES]
    assert {c["members"][0]["name"] for c in data} == PRIMARIES
    assert all(c["primary"] == c["members"][0]["id"] for c in data)
    assert all(0.8 <= m["exact"] <= 1 and 0 < m["estimated"] <= 1 for c in data for m in c["members"])
    strict = json.loads(run("duplicates", "--json", "--threshold", "0.9", archive=near_root).stdout)
    assert [{m["name"] for m in c["members"]} for c in strict] == [SCRAPES]


def test_a_threshold_out_of_range_is_a_usage_error(near_root: Path) -> None:
    result = run("duplicates", "--threshold", "1.5", archive=near_root)
    assert (
        result.returncode == 2
        and "--threshold" in result.stderr
        and "1.5 is not in the range 0.05<=x<=1.0" in result.stderr  # click's words (typer < 0.29)
    )
    nan = run("duplicates", "--threshold", "nan", archive=near_root)  # inside typer's range, not a number
    assert (
        nan.returncode == 2
        and nan.stderr.strip() == "archiver: --threshold must be a number from 0.05 to 1.0, not nan"
    )


def _titles(epub: Path) -> str:
    with zipfile.ZipFile(epub) as zf:
        return "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))


def test_an_edition_leaves_near_duplicates_out_unless_asked(near_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.epub"
    result = run("export", "epub", "-o", out, archive=near_root)
    assert result.returncode == 0, result.stderr
    assert "near-duplicate of" not in result.stderr  # one summary line, not one line each
    assert "archiver: 3 near-duplicates left out of the edition (`archiver duplicates` lists" in result.stderr
    result = run("export", "epub", "-v", "-o", out, archive=near_root)
    lines = [line for line in result.stderr.splitlines() if "near-duplicate of" in line]
    assert len(lines) == 3
    assert all(re.fullmatch(r"archiver: [0-9a-f]{16}: near-duplicate of [0-9a-f]{16}; .*", x) for x in lines)
    assert "(6 articles, 3 near-duplicates left out;" in result.stderr
    text = _titles(out)
    assert "Storm surge floods Westhaven harbour front" in text and "Sea breaches Westhaven" not in text
    assert "江城新大桥正式通车" in text and "两岸十分钟可达" not in text
    assert "Westhaven council backs flood gate" in text and "Ferries cancelled" in text  # same topic, kept
    assert epubcheck(out.read_bytes(), tmp_path) == []

    every = tmp_path / "every.epub"
    result = run("export", "epub", "--include-duplicates", "--json", "-o", every, archive=near_root)
    assert result.returncode == 0 and json.loads(result.stdout)["duplicates"] == []
    assert json.loads(result.stdout)["articles"] == 9
    assert "Sea breaches Westhaven" in _titles(every)


def test_one_file_per_article_keeps_every_article(near_root: Path, tmp_path: Path) -> None:
    result = run("export", "epub", "--each", "--json", "-o", tmp_path, archive=near_root)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["paths"]) == 9
