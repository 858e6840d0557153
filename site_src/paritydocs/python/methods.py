"""Client classes: their public methods, signatures, parameters and parameter docs, as `TypeDef`s."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import griffe

from paritydocs.model import FunctionDef, ParamDef, TypeDef, TypeKind
from paritydocs.python.docstrings import parse_python_doc, raw_docstring
from paritydocs.python.evaluator import Ctx
from paritydocs.python.loader import SdkTree
from paritydocs.python.scope import Source, clean_doc, decorator_name, signature_args, source_text
from paritydocs.python.types import TypeReader

_PARAM_KINDS = {
    "posonly": griffe.ParameterKind.positional_only.name,
    "regular": griffe.ParameterKind.positional_or_keyword.name,
    "vararg": griffe.ParameterKind.var_positional.name,
    "kwonly": griffe.ParameterKind.keyword_only.name,
    "kwarg": griffe.ParameterKind.var_keyword.name,
}


class ClientReader:
    """The client classes named in `python_clients`, with the methods their MRO defines."""

    def __init__(self, tree: SdkTree, types: TypeReader) -> None:
        self.tree = tree
        self.types = types
        self.evaluator = types.evaluator

    # ---------------------------------------------------------------- clients

    def extract_clients(self, specs: Sequence[str]) -> list[TypeDef]:
        result: list[TypeDef] = []
        for spec in specs:
            spec = spec.strip()
            obj = self.tree.resolve_spec(spec)
            same = next((t for t in result if isinstance(obj, griffe.Class) and t.path == obj.path), None)
            if same is not None:
                if same.public_path is None and spec != same.path:
                    same.public_path = spec
                continue
            if not isinstance(obj, griffe.Class):
                if obj is None and self.tree.load_failed(spec):
                    continue
                self.tree.warn(
                    self.tree.not_found_location(spec),
                    None,
                    f"client '{spec}' not found under {self.tree.root}; check the `python_clients` setting"
                    if obj is None
                    else f"client '{spec}' is not a class; check the `python_clients` setting",
                )
                continue
            src, node = self.tree.class_node(obj)
            typedef = TypeDef(
                path=str(obj.path),
                name=obj.name,
                kind=TypeKind.CLASS,
                doc=clean_doc(raw_docstring(obj)),
                file=self.tree.rel(obj.filepath if isinstance(obj.filepath, Path) else None),
                line=node.lineno if node is not None else obj.lineno,
                bases=[source_text(src, b) for b in node.bases] if src and node else [str(b) for b in obj.bases],
                functions=self.methods(obj),
            )
            if spec != typedef.path:
                typedef.public_path = spec
            result.append(typedef)
        return result

    def methods(self, cls: griffe.Class) -> list[FunctionDef]:
        seen: set[str] = set()
        result: list[FunctionDef] = []
        for owner in self.types.mro(cls):
            functions = [
                m
                for name, m in owner.members.items()
                if isinstance(m, griffe.Function) and not name.startswith("_") and name not in seen
            ]
            functions.sort(key=lambda f: f.lineno or 0)
            for function in functions:
                seen.add(function.name)
                fdef = self.function(function, owner)
                if fdef is not None:
                    result.append(fdef)
        return result

    def _function_node(
        self, function: griffe.Function, owner: griffe.Class
    ) -> tuple[Source, ast.ClassDef, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        src, class_node = self.tree.class_node(owner)
        if src is None or class_node is None:
            return None
        found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        stack: list[ast.stmt] = list(class_node.body)
        while stack:
            stmt = stack.pop(0)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if stmt.name == function.name:
                    found = stmt
                continue
            if isinstance(stmt, ast.ClassDef):
                continue
            for attr in ("body", "orelse", "finalbody"):
                sub = getattr(stmt, attr, None)
                if isinstance(sub, list):
                    stack.extend(s for s in sub if isinstance(s, ast.stmt))
            for handler in getattr(stmt, "handlers", []) or []:
                stack.extend(handler.body)
        return (src, class_node, found) if found is not None else None

    def function(self, function: griffe.Function, owner: griffe.Class) -> FunctionDef | None:
        found = self._function_node(function, owner)
        module = self.tree.module_of(owner)
        if found is None or module is None:
            return None
        src, class_node, node = found
        labels = set(function.labels)
        doc = clean_doc(ast.get_docstring(node, clean=True))
        param_docs = parse_python_doc(doc, args_from="lines").args
        ctx = Ctx(module, src, src.class_scope(class_node), node.lineno)
        raw = signature_args(node.args, bound="staticmethod" not in labels)
        params: list[ParamDef] = []
        pieces: list[str] = []
        star_written = any(kind == "vararg" for kind, _, _ in raw)
        last_posonly = max((i for i, (kind, _, _) in enumerate(raw) if kind == "posonly"), default=-1)
        for i, (kind, arg, default_node) in enumerate(raw):
            annotation = source_text(src, arg.annotation) if arg.annotation is not None else None
            default = self.evaluator.default(default_node, ctx) if default_node is not None else None
            required = default is None and kind not in ("vararg", "kwarg")
            params.append(
                ParamDef(
                    name=arg.arg,
                    kind=_PARAM_KINDS[kind],
                    annotation=annotation,
                    required=required,
                    default=default,
                    doc=param_docs.get(arg.arg),
                )
            )
            if kind == "kwonly" and not star_written:
                pieces.append("*")
                star_written = True
            prefix = "*" if kind == "vararg" else "**" if kind == "kwarg" else ""
            piece = prefix + arg.arg + (f": {annotation}" if annotation else "")
            if default is not None:
                piece += f" = {default.expr}" if annotation else f"={default.expr}"
            pieces.append(piece)
            if i == last_posonly:
                pieces.append("/")
        returns = source_text(src, node.returns) if node.returns is not None else None
        spec = f"{function.name}({', '.join(pieces)})" + (f" -> {returns}" if returns else "")
        return FunctionDef(
            name=function.name,
            arity=len(params),
            doc=doc,
            spec=spec,
            line=node.lineno,
            params=params,
            returns=returns,
            is_async=isinstance(node, ast.AsyncFunctionDef) or "async" in labels,
            file=self.tree.rel(src.path),
            decorators=[name for name in map(decorator_name, node.decorator_list) if name],
        )
