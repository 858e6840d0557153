#!/usr/bin/env bash
# Everything the docs workflow runs, runnable locally.
#   scripts/docs.sh --offline   strict build of the demo site + link check (no network; .ci/run runs this)
#   scripts/docs.sh             the real site: strict build, link check, parity check with annotations
# Environment: PARITYDOCS_PYTHON / PARITYDOCS_ELIXIR point the real site at local checkouts;
# SITE_DIR (default site/) is where the real site is built; PY (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export NO_MKDOCS_2_WARNING=1

offline=0
[ "${1:-}" = "--offline" ] && offline=1

demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT
echo "docs: strict build of the demo site"
"$PY" -m mkdocs build --strict --quiet -f examples/demo/mkdocs.yml -d "$demo_dir"
"$PY" scripts/linkcheck.py "$demo_dir"

if [ "$offline" = 1 ]; then
  exit 0
fi

site_dir=${SITE_DIR:-site}
echo "docs: strict build of the Tinker/Tinkex site"
"$PY" -m mkdocs build --strict -d "$site_dir"
"$PY" scripts/linkcheck.py "$site_dir"
echo "docs: parity check (annotations on pull requests)"
format=table
[ -n "${GITHUB_ACTIONS:-}" ] && format=github
# Findings are reported, not fatal here: the site publishes them. The port's own CI gates on them.
"$PY" -m paritydocs.cli check --format "$format" --fail-on high --json "$site_dir/parity-check.json" || true
