"""What counts as live markup in rendered HTML: the checks every hostile-input test shares."""

from __future__ import annotations

from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style", "svg", "math"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in URL_ATTRS and value:
                v = "".join(value.split()).lower()
                if v.startswith(("javascript:", "data:", "vbscript:", "//")):
                    self.problems.append(f"{tag} {name}={value}")


def live_markup(html: str, *, allow_tags: frozenset[str] = frozenset()) -> list[str]:
    """Tags and attributes in `html` that would run or load something. Empty when the HTML is inert."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [p for p in collector.problems if p.strip("<>").split()[0] not in allow_tags]
