"""The CI recipes of docs/site.md (examples/ci/): GitHub Pages and GitLab Pages publish what
`pmops site build` wrote, and the command they run builds the example KB's site here."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from tests.conftest import ROOT

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
