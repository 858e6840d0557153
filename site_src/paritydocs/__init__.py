"""paritydocs: a Python SDK's type reference side by side with its Elixir port.

The pipeline, one module a stage:

- `paritydocs.sources`: a source spec (path, `git:`, `pypi:`, `hex:`) to a local tree, with a cache.
- `paritydocs.python` / `paritydocs.elixir`: static extraction into `paritydocs.model`.
- `paritydocs.parity`: matching and findings.
- `paritydocs.render`: Jinja templates to Markdown pages.
- `paritydocs.site.plugin` / `paritydocs.cli`: MkDocs plugin and the `paritydocs` command.
"""

from __future__ import annotations

__version__ = "0.1.0"
