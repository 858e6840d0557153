"""Check that every internal link and anchor of a built MkDocs site resolves, and every link of its llms.txt
and llms-full.txt (absolute under the site's URL, from the home page's canonical link, or relative to the root).

Usage: python scripts/linkcheck.py SITE_DIR   (exit 1 and one line per broken link when any)
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)
            if tag in ("link", "script", "img") and name in ("href", "src") and value:
                self.links.append(value)


def _target(site: Path, page: Path, link_path: str) -> Path:
    if not link_path:
        return page
    if not link_path.startswith("/"):
        return (page.parent / link_path).resolve()
    # Absolute links (the 404 page) carry the site's mount path, e.g. /project/: try with and without it.
    direct = (site / link_path.lstrip("/")).resolve()
    if direct.exists():
        return direct
    _, _, rest = link_path.lstrip("/").partition("/")
    return (site / rest).resolve()


def check(site: Path) -> list[str]:
    pages: dict[Path, _Page] = {}
    for html in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(html.read_text(encoding="utf-8", errors="replace"))
        pages[html.resolve()] = parser
    broken: list[str] = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:", "javascript:")):
                continue
            target = _target(site.resolve(), path, unquote(parts.path))
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site.resolve())}: {link} -> no such file")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages.get(target)
                if ids is not None and unquote(parts.fragment) not in ids.ids:
                    broken.append(f"{path.relative_to(site.resolve())}: {link} -> no anchor #{parts.fragment}")
    broken.extend(_check_llms(site.resolve()))
    return broken


_MD_LINK = re.compile(r"\]\(([^()\s]+)\)")
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def _check_llms(site: Path) -> list[str]:
    """Every link of llms.txt and llms-full.txt that points into the site names a file the site has."""
    home = site / "index.html"
    found = _CANONICAL.search(home.read_text(encoding="utf-8", errors="replace")) if home.is_file() else None
    base = found.group(1) if found else None
    broken: list[str] = []
    for name in ("llms.txt", "llms-full.txt"):
        path = site / name
        if not path.is_file():
            continue
        for link in _MD_LINK.findall(path.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if base and link.startswith(base):
                rel = link[len(base) :]
            elif parts.scheme or parts.netloc:
                continue  # another site (the SDKs' repositories, HexDocs)
            else:
                rel = link
            target = site / unquote(urlsplit(rel).path)
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{name}: {link} -> no such file")
    return broken


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print("usage: python scripts/linkcheck.py SITE_DIR (a built site)", file=sys.stderr)
        return 2
    broken = check(Path(argv[1]))
    for line in broken:
        print(f"broken link: {line}")
    print(f"linkcheck: {len(broken)} broken internal links in {argv[1]}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
