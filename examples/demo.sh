#!/usr/bin/env bash
# The demo: pmops' main job on a temporary copy of examples/kb. Nothing in the repository changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$here/kb" "$work/kb"
cp "$here/survey-responses.csv" "$work/"
cd "$work/kb"
export PMOPS_KB="$work/kb" NO_COLOR=1 COLUMNS="${COLUMNS:-110}"
# A throwaway identity for the demo's commits, only if git has none.
if ! git config user.name >/dev/null; then
  export GIT_AUTHOR_NAME="pmops demo" GIT_AUTHOR_EMAIL="demo@example.com"
  export GIT_COMMITTER_NAME="pmops demo" GIT_COMMITTER_EMAIL="demo@example.com"
fi
git init -q . && git add -A && git commit -qm "Tally's knowledge base"

step() { printf '\n$ %s\n' "$*"; "$@"; }

step pmops --version
step pmops insight list --area approvals
step pmops insight list --segment enterprise --tag churn-risk --json
step pmops insight add --title "Approvers want to approve from the Slack message" \
  --source interview --customer "Harbor Dental Group" --segment mid-market --area approvals \
  --tag approvals --tag integrations --tag feature-request \
  --quote "If I could click approve in Slack I would never open the digest again."
step git log -1 --stat --format=%s
id="$(pmops insight list --json --since 2026-11-01 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
step pmops show "$id"
step pmops insight add --title "Typo in a tag" --source survey --tag aprovals || true
step pmops search "slack approve"
step pmops search "thermal papr"
step pmops insight import ../survey-responses.csv --source survey
step pmops insight themes --since 2026-09-01
step pmops links ins-260114
step pmops process list
step pmops checklist status
step pmops onboard new-pm "Dana Reyes" --start 2026-12-01 --area billing --buddy "Maya Chen" --manager "Ada Brooks"
step pmops onboard status
step pmops tool stack
step pmops metric show "Weekly active approvers"
step pmops report
step pmops assess
step pmops lint
