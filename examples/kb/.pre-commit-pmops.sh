#!/bin/sh
# Runs `pmops lint` on the files pre-commit gives it (.pre-commit-config.yaml calls it),
# with whichever pmops this clone can reach: a team often installs pmops in a virtualenv,
# and git runs hooks from any shell, with or without that virtualenv on PATH. Tried in order:
#   1. the pmops making this commit (pmops sets PMOPS_PYTHON for its own commits);
#   2. `pmops` on PATH;
#   3. the Python that last committed with pmops in this clone (noted in .git/pmops/python);
#   4. a virtualenv at the top of the repository (.venv or venv);
#   5. `python3 -m pmops`, then `python -m pmops`.

if [ -n "${PMOPS_PYTHON:-}" ] && [ -x "$PMOPS_PYTHON" ]; then
    exec "$PMOPS_PYTHON" -m pmops lint "$@"
fi
if command -v pmops >/dev/null 2>&1; then
    exec pmops lint "$@"
fi

has_pmops() {
    case "$1" in
        "") return 1 ;;
        */*) [ -x "$1" ] || return 1 ;;
        *) command -v "$1" >/dev/null 2>&1 || return 1 ;;
    esac
    "$1" -m pmops lint --help >/dev/null 2>&1  # pmops and everything it needs
}

noted=""
git_dir=$(git rev-parse --git-dir 2>/dev/null)
if [ -n "$git_dir" ] && [ -f "$git_dir/pmops/python" ]; then
    IFS= read -r noted < "$git_dir/pmops/python"
fi
for python in "$noted" .venv/bin/python venv/bin/python .venv/Scripts/python.exe venv/Scripts/python.exe python3 python; do
    if has_pmops "$python"; then
        exec "$python" -m pmops lint "$@"
    fi
done

echo "pmops-lint: pmops not found (not on PATH, in no virtualenv this clone knows): activate the virtualenv pmops is installed in, or install pmops on PATH (e.g. with pipx), then commit again" >&2
exit 1
