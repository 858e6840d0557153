#!/usr/bin/env bash
# Beyond MkDocs 1.x, and the package as users get it. Run by .ci/run (network to the package index needed).
#   1. the distribution: `python -m build` (sdist and wheel), `twine check`, and the wheel holds the templates,
#      the tree-sitter queries and the JSON schemas;
#   2. Zensical builds the folder `paritydocs generate` writes, strictly, and its links resolve;
#   3. ProperDocs builds the plugin site (the demo), strictly, and its links resolve;
#   4. Zensical on the plugin site (which it cannot run) fails, saying the plugin did not run.
# The tools come from the package index into a scratch venv: they are not paritydocs' dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_MKDOCS_2_WARNING=1 PARITYDOCS_CACHE="$work/cache"

echo "generators: build and check the distribution"
"$PY" -m venv "$work/tools"
tools="$work/tools/bin"
"$tools/pip" install --quiet --disable-pip-version-check build twine zensical properdocs
"$tools/python" -m build --outdir "$work/dist" . >/dev/null
"$tools/twine" check --strict "$work"/dist/*
wheel=$(ls "$work"/dist/*.whl)
"$tools/python" - "$wheel" <<'PYEOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = ["paritydocs/templates/_base/pair.md.jinja", "paritydocs/elixir/queries/elixir_modules.scm",
          "paritydocs/elixir/queries/elixir_struct_usage.scm", "paritydocs/schemas/parity.schema.json",
          "paritydocs/assets/paritydocs.css", "paritydocs/guard.py"]
missing = [n for n in needed if n not in names]
if missing:
    sys.exit(f"generators: the wheel lacks {missing}")
print(f"generators: the wheel holds {len(names)} files, templates, queries and schemas included")
PYEOF
"$tools/pip" install --quiet --disable-pip-version-check "$wheel"  # the plugin and the guard, as users get them

echo "generators: Zensical builds what paritydocs generate writes"
"$tools/paritydocs" -q generate --config examples/demo/mkdocs.yml --out "$work/generated" >/dev/null
(cd "$work/generated" && "$tools/zensical" build --strict -f mkdocs.yml >/dev/null)
"$PY" scripts/linkcheck.py "$work/generated/site"
test -f "$work/generated/site/api/orbit.types.SubmitJobRequest/index.html"

echo "generators: ProperDocs builds the plugin site"
"$tools/properdocs" build --strict --quiet -f examples/demo/mkdocs.yml -d "$work/properdocs"
"$PY" scripts/linkcheck.py "$work/properdocs"
test -f "$work/properdocs/parity.json"

echo "generators: Zensical on the plugin site fails and says why"
cp -r examples/demo "$work/demo"  # Zensical writes its site and cache beside the config
if (cd "$work/demo" && "$tools/zensical" build -f mkdocs.yml >"$work/zensical.log" 2>&1); then
  echo "generators: Zensical built the plugin site without the plugin, and nothing said so" >&2
  exit 1
fi
grep -q "the paritydocs plugin did not run" "$work/zensical.log"
echo "generators: ok"
