"""Outdated model names in the port as findings."""

from __future__ import annotations

from pathlib import Path

from paritydocs.config import Settings
from paritydocs.modelnames import Occurrence, compile_updates, scan_tree
from paritydocs.parity.findings import Finding, FindingKind
from paritydocs.parity.report import PairReport, ParityReport

__all__ = ["add_model_name_findings"]


def add_model_name_findings(report: ParityReport, settings: Settings) -> None:
    """Scan both trees; user-facing occurrences become `outdated_model_name` findings on their pair or the report."""
    updates = compile_updates(settings.model_names)
    occurrences: list[Occurrence] = []
    for side, model in (("python", report.python_model), ("elixir", report.elixir_model)):
        occurrences.extend(scan_tree(Path(model.source.root), side, updates))
    report.model_names = occurrences
    by_file: dict[tuple[str, str], PairReport] = {}
    for pair in report.pairs:
        by_file.setdefault(("python", pair.python.file), pair)
        by_file.setdefault(("elixir", pair.elixir.file), pair)
    for occ in occurrences:
        if occ.audience != "user-facing":
            continue
        loc = occ.location
        finding = Finding(
            FindingKind.OUTDATED_MODEL_NAME,
            # The message names only the new id: every published page is rewritten to current names, and the
            # old spelling is shown where it belongs, on the model-name report.
            f"Outdated model name in {occ.file}:{occ.line} ({occ.reason}): update it to `{occ.new}`.",
            python=loc if occ.side == "python" else None,
            elixir=loc if occ.side == "elixir" else None,
            subject=f"{occ.side}:{occ.file}:{occ.line}:{occ.column}",
        )
        owner = by_file.get((occ.side, occ.file))
        if owner is not None:
            owner.findings.append(finding)
        else:
            report.extra_findings.append(finding)
