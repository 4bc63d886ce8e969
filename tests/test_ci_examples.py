"""The CI recipes of docs/site.md (examples/ci/): GitHub Pages and GitLab Pages publish what
`pmops site build` wrote, and the command they run builds the example KB's site here."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, git

CI = ROOT / "examples" / "ci"


def _build_command(lines: list[str]) -> list[str]:
    (build,) = [line for line in lines if "pmops site build" in line]
    return shlex.split(build)


def test_the_github_workflow_builds_into_the_folder_it_uploads_to_pages() -> None:
    workflow = yaml.safe_load((CI / "github-pages.yml").read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true; GitHub does not
    assert on["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    command = _build_command([step.get("run", "") for step in steps])
    out = command[command.index("--out") + 1]
    assert command[:3] == ["pmops", "site", "build"] and "--base-url" in command
    (upload,) = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"] == out == "_site"
    assert [step["uses"].partition("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_the_gitlab_job_is_pages_and_builds_into_public() -> None:
    config = yaml.safe_load((CI / ".gitlab-ci.yml").read_text())
    assert list(config) == ["pages"]  # GitLab publishes the artefact of the job named `pages`
    job = config["pages"]
    command = _build_command(job["script"])
    assert command[:3] == ["pmops", "site", "build"] and command[command.index("--out") + 1] == "_site"
    assert command[command.index("--base-url") + 1] == "$CI_PAGES_URL"
    assert job["script"][-1] == "mv _site public"  # pmops refuses to build into a folder of the KB's documents
    assert job["artifacts"]["paths"] == ["public"]


def test_the_recipes_command_builds_the_example_kbs_site(pmops, example_kb: Path) -> None:
    for recipe, address in (
        ("github-pages.yml", "https://team.github.io/kb"),
        (".gitlab-ci.yml", "https://team.gitlab.io/kb"),
    ):
        text = (CI / recipe).read_text()
        line = next(line for line in text.splitlines() if "pmops site build" in line)
        line = line.replace("${{ steps.pages.outputs.base_url }}", address).replace("$CI_PAGES_URL", address)
        command = _build_command([line.partition("pmops ")[1] + line.partition("pmops ")[2]])
        pmops(*command[1:])
        out = example_kb / command[command.index("--out") + 1]
        assert (out / "index.html").is_file() and (out / "browse").is_dir()


def _install(recipe: str) -> tuple[str, str]:
    """A recipe's default PMOPS_SOURCE and the shell that installs pmops from it."""
    if recipe == "github-pages.yml":
        workflow = yaml.safe_load((CI / recipe).read_text())
        (step,) = [s for s in workflow["jobs"]["build"]["steps"] if "PMOPS_SOURCE" in s.get("run", "")]
        return workflow["env"]["PMOPS_SOURCE"], step["run"]
    job = yaml.safe_load((CI / recipe).read_text())["pages"]
    script = job["script"][: next(i for i, line in enumerate(job["script"]) if "pmops site build" in line)]
    return job["variables"]["PMOPS_SOURCE"], "\n".join(script)


def _run(script: str, source: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The recipe's install shell, its `pip` the tests' own asked what it would install (no install). pmops'
    metadata is built with the tests' own hatchling (the test extra), not in a build environment pip would
    install hatchling into from the network for each source (6–12 s, most of it waiting)."""
    shim = tmp_path / "bin" / "pip"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(
        f'#!/bin/sh\n[ "$1" = install ] && shift\n'
        f'exec "{sys.executable}" -m pip install --dry-run --no-deps --no-build-isolation "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}", "PMOPS_SOURCE": source}
    return subprocess.run(["bash", "-ec", script], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("recipe", ["github-pages.yml", ".gitlab-ci.yml"])
def test_the_recipes_install_pmops_from_its_source_never_from_an_index(recipe: str, tmp_path: Path) -> None:
    text = (CI / recipe).read_text()
    commands = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"pip install +[\"']?pmops\b", commands)  # a package of that name on an index is not pmops
    source, script = _install(recipe)
    assert re.fullmatch(r"git\+https://[\w./-]+/YOUR-ORG/pmops\.git@v[\d.]+", source)
    assert 'pip install "$PMOPS_SOURCE"' in script and "./vendor/pmops" in text  # both ways a team keeps pmops
    # Left as it is, the placeholder stops the job with one line saying what to set; nothing installed.
    done = _run(script, source, tmp_path, tmp_path)
    assert done.returncode == 1 and "set PMOPS_SOURCE" in done.stdout and "Would install" not in done.stdout


@pytest.mark.heavy
def test_the_recipes_install_pmops_from_its_repository_or_a_vendored_copy(tmp_path: Path) -> None:
    """Both ways work: the repository at a tag (a git URL) and a copy inside the KB's repository."""
    kb = tmp_path / "kb"
    kb.mkdir()
    vendored = kb / "vendor" / "pmops"
    git(tmp_path, "clone", "-q", str(ROOT), str(vendored))
    git(vendored, "tag", "v0.0.0-test")
    for recipe, source in (
        ("github-pages.yml", f"git+file://{vendored}@v0.0.0-test"),
        (".gitlab-ci.yml", "./vendor/pmops"),
    ):
        done = _run(_install(recipe)[1], source, kb, tmp_path)
        assert done.returncode == 0, done.stderr
        assert re.search(r"Would install pmops-\d", done.stdout), done.stdout
