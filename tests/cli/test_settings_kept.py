"""pmops.yaml and taxonomy.yaml kept as the last command read them (config._Kept, `settings.json` in pmops'
private folder): a command whose settings files did not change reads no YAML; any change to them is read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pmops import store
from pmops.config import load
from tests.conftest import modules_at_exit


def _loads_yaml(kb: Path, *words: str) -> bool:
    return modules_at_exit(kb, list(words), ("yaml",)) == ["yaml"]


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once (the racy window is for files changed within two seconds)."""
    monkeypatch.setattr(store, "RACY_NS", 0)


def kept(kb: Path) -> dict:
    """What is kept, its files by name."""
    found = json.loads((kb / ".git" / "pmops" / "settings.json").read_text(encoding="utf-8"))
    return {**found, "files": {Path(path).name: entry for path, entry in found["files"].items()}}


def test_a_search_after_the_first_reads_no_yaml(pmops, kb: Path, settled: None) -> None:
    pmops("search", "anything", code=None)  # the index is made, the settings read and kept
    assert set(kept(kb)["files"]) == {"pmops.yaml", "taxonomy.yaml"}
    assert not _loads_yaml(kb, "search", "pricing")
    assert not _loads_yaml(kb, "search", "tag:pricing")  # the taxonomy's tags: from what is kept too


def test_a_change_is_read_the_next_time_even_of_the_same_size_at_once(kb: Path, settled: None) -> None:
    assert load(kb).name == "Test KB"
    assert "pmops.yaml" in kept(kb)["files"]
    settings = kb / "pmops.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Test KB", "Tost KB"), encoding="utf-8")
    assert load(kb).name == "Tost KB"
    settings.write_text(settings.read_text(encoding="utf-8") + "search_server: never\n", encoding="utf-8")
    with pytest.raises(Exception, match="search_server"):
        load(kb)  # checked as ever: what is kept is the file's text as YAML reads it, not the settings
    moved = kb / "elsewhere.yaml"  # another file put in its place keeps its own stamp: read
    shutil.copy(settings, moved)
    moved.write_text(settings.read_text(encoding="utf-8").replace("search_server: never\n", "").replace("Tost", "Move"))
    moved.replace(settings)
    assert load(kb).name == "Move KB"


def test_broken_yaml_is_said_every_time(pmops, kb: Path, settled: None) -> None:
    load(kb)
    (kb / "pmops.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        done = pmops("list", "insight", code=2)
        assert "pmops.yaml:1: invalid YAML" in done.stderr


def test_what_is_kept_damaged_or_from_another_pmops_is_read_again(kb: Path, settled: None) -> None:
    load(kb)
    file = kb / ".git" / "pmops" / "settings.json"
    version, (now, data) = kept(kb)["pmops"], kept(kb)["files"]["pmops.yaml"]
    key = str(kb / "pmops.yaml")

    def forged(pmops: str, stamp: list) -> str:
        return json.dumps({"pmops": pmops, "files": {key: [stamp, {**data, "name": "Forged"}]}})

    file.write_text(forged(version, now), encoding="utf-8")
    assert load(kb).name == "Forged"  # (what is kept is what a command reads)
    for damaged in ("{not json", "[]", forged("0 0.0.0", now), forged(version, [1, 2, 3, 4])):
        file.write_text(damaged, encoding="utf-8")
        assert load(kb).name == "Test KB"
        assert kept(kb)["files"]["pmops.yaml"][1]["name"] == "Test KB"  # written again


def test_a_file_changed_within_two_seconds_is_not_kept(kb: Path) -> None:
    (kb / "pmops.yaml").write_text("name: Fresh\n", encoding="utf-8")
    assert load(kb).name == "Fresh"
    assert not (kb / ".git" / "pmops" / "settings.json").exists() or "pmops.yaml" not in kept(kb)["files"]


def test_nothing_is_written_where_pmops_keeps_nothing(tmp_path: Path, settled: None) -> None:
    """A KB outside git keeps its state in `.pmops/`: a command that only reads does not make one."""
    (tmp_path / "pmops.yaml").write_text("name: Loose\n", encoding="utf-8")
    assert load(tmp_path).name == "Loose"
    assert not (tmp_path / ".pmops").exists()


def test_a_link_is_read_each_time_where_it_leads_may_leave_the_kb(kb: Path, tmp_path: Path, settled: None) -> None:
    """pmops.yaml as a link into conf/, then conf/ moved out of the KB and linked back: no stamp changes,
    and reading it refuses the link that leaves the KB; so a link is never taken from what is kept."""
    (kb / "conf").mkdir()
    (kb / "pmops.yaml").rename(kb / "conf" / "pmops.yaml")
    (kb / "pmops.yaml").symlink_to(Path("conf") / "pmops.yaml")
    assert load(kb).name == "Test KB"
    (kb / "conf").rename(tmp_path / "outside")
    (kb / "conf").symlink_to(tmp_path / "outside")
    with pytest.raises(Exception, match="leaves the knowledge base"):
        load(kb)
