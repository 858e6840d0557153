"""The built-in Jinja templates, shipped as the data package `paritydocs.templates`.

This folder stays at the repository's top level; `pyproject.toml` maps the package onto it, so the wheel and an
editable install read the same files without a symlink. Override any template by name with `custom_templates`.
"""
