"""A small, safe Markdown renderer for the user guides (docs/huong-dan/).

It renders the subset the guides use: headings (with ids for anchors),
paragraphs, **bold**, *italic*, `code`, links, nested bullet and numbered
lists, tables, block quotes, fenced code blocks and horizontal rules.

Safety: every piece of text is HTML-escaped before any markup is added, so
HTML written in a file is shown as text, never interpreted. Links keep only
relative addresses, ``#anchors``, ``http(s)://`` and ``mailto:``; anything else
(``javascript:``, ``data:`` …) is dropped and the link text stays as plain text.
A link to a sibling ``.md`` file goes through ``link_md`` (the caller turns
``chu-the.md#muc`` into the guide page's address).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from .text import fold_key

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_NUMBER_PREFIX = re.compile(r"^\d+[a-z]?(\.\d+)*\.?\s+")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_SAFE_SCHEME = re.compile(r"^(https?://|mailto:|#|/(?!/)|[\w.-]+(\.md)?(#[\w-]*)?$)", re.I)


@dataclass
class Rendered:
    html: str
    title: str = ""
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text


def slugify_heading(text: str) -> str:
    """The anchor of a heading: folded Vietnamese words, numbering dropped, so
    "10.3. Lên lịch phiên họp" → "len-lich-phien-hop" (stable when renumbered)."""
    text = _NUMBER_PREFIX.sub("", re.sub(r"[*`]", "", text).strip())
    return "-".join(fold_key(text).split()) or "muc"


def _inline(text: str, link_md: Callable[[str], str | None]) -> str:
    """Escape, then add inline markup. Code spans are set aside first so that
    nothing inside them is read as markup."""
    spans: list[str] = []

    def keep(html: str) -> str:
        spans.append(html)
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(lambda m: keep(f"<code>{escape(m.group(1))}</code>"), text)

    def link(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        href = _safe_href(target, link_md)
        inner = _emphasis(escape(label, quote=False))
        if href is None:
            return keep(inner)
        return keep(f'<a href="{escape(href)}">{inner}</a>')

    text = _LINK.sub(link, text)
    html = _emphasis(escape(text, quote=False))
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], html)


def _emphasis(html: str) -> str:
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def _safe_href(target: str, link_md: Callable[[str], str | None]) -> str | None:
    if not _SAFE_SCHEME.match(target):
        return None
    path = target.split("#", 1)[0]
    if path.endswith(".md") and "/" not in path:
        return link_md(target)
    return target


class _Renderer:
    def __init__(self, link_md):
        self.link_md = link_md
        self.out: list[str] = []
        self.paragraph: list[str] = []
        self.lists: list[tuple[str, int]] = []  # (tag, indent)
        self.ids: dict[str, int] = {}
        self.result = Rendered(html="")

    def inline(self, text: str) -> str:
        return _inline(text, self.link_md)

    def flush_paragraph(self):
        if self.paragraph:
            self.out.append("<p>" + self.inline(" ".join(self.paragraph)) + "</p>")
            self.paragraph = []

    def close_lists(self, indent: int = -1):
        while self.lists and self.lists[-1][1] > indent:
            tag, _ = self.lists.pop()
            self.out.append(f"</li></{tag}>")

    def flush(self):
        self.flush_paragraph()
        self.close_lists()

    def heading(self, level: int, text: str):
        self.flush()
        slug = slugify_heading(text)
        count = self.ids.get(slug, 0)
        self.ids[slug] = count + 1
        if count:
            slug = f"{slug}-{count + 1}"
        if level == 1 and not self.result.title:
            self.result.title = re.sub(r"[*`]", "", text)
        self.result.headings.append((level, slug, re.sub(r"[*`]", "", text)))
        self.out.append(f'<h{level} id="{slug}">{self.inline(text)}</h{level}>')

    def list_item(self, tag: str, indent: int, text: str, start: int = 1):
        self.flush_paragraph()
        if self.lists and self.lists[-1][1] == indent and self.lists[-1][0] != tag:
            self.close_lists(indent - 1)
        if not self.lists or indent > self.lists[-1][1]:
            attrs = f' start="{start}"' if tag == "ol" and start != 1 else ""
            self.out.append(f"<{tag}{attrs}><li>")
            self.lists.append((tag, indent))
        else:
            self.close_lists(indent)
            if self.lists and self.lists[-1][1] < indent:
                self.out.append(f"<{tag}><li>")
                self.lists.append((tag, indent))
            else:
                self.out.append("</li><li>")
        self.out.append(self.inline(text))

    def table(self, rows: list[str]):
        self.flush()

        def cells(row: str) -> list[str]:
            row = row.strip()
            if row.startswith("|"):
                row = row[1:]
            if row.endswith("|"):
                row = row[:-1]
            return [c.strip() for c in row.split("|")]

        head, body = cells(rows[0]), [cells(r) for r in rows[2:]]
        parts = ['<div class="table-responsive"><table class="table table-sm table-bordered">']
        parts.append(
            "<thead><tr>"
            + "".join(f'<th scope="col">{self.inline(c)}</th>' for c in head)
            + "</tr></thead><tbody>"
        )
        for row in body:
            parts.append("<tr>" + "".join(f"<td>{self.inline(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table></div>")
        self.out.append("".join(parts))

    def render(self, source: str) -> Rendered:
        lines = source.replace("\r\n", "\n").split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("```"):
                self.flush()
                code = []
                i += 1
                while i < len(lines) and not lines[i].strip().startswith("```"):
                    code.append(lines[i])
                    i += 1
                self.out.append("<pre><code>" + escape("\n".join(code)) + "</code></pre>")
            elif not stripped:
                self.flush_paragraph()
                # a blank line inside a list keeps the list open when the next
                # line continues it
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if not (_BULLET.match(nxt) or _NUMBERED.match(nxt) or nxt.startswith("   ")):
                    self.close_lists()
            elif match := _HEADING.match(line):
                self.heading(len(match.group(1)), match.group(2))
            elif (
                stripped.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1])
            ):
                rows = [line, lines[i + 1]]
                i += 2
                while i < len(lines) and lines[i].strip().startswith("|"):
                    rows.append(lines[i])
                    i += 1
                self.table(rows)
                continue
            elif _HR.match(line):
                self.flush()
                self.out.append("<hr>")
            elif stripped.startswith(">"):
                self.flush()
                quote = []
                while i < len(lines) and lines[i].strip().startswith(">"):
                    quote.append(lines[i].strip()[1:].strip())
                    i += 1
                self.out.append(
                    "<blockquote><p>" + self.inline(" ".join(quote)) + "</p></blockquote>"
                )
                continue
            elif match := _BULLET.match(line):
                self.list_item("ul", len(match.group(1).expandtabs(4)), match.group(2))
            elif match := _NUMBERED.match(line):
                indent = len(match.group(1).expandtabs(4))
                self.list_item("ol", indent, match.group(3), start=int(match.group(2)))
            elif self.lists and not self.paragraph:
                # a continuation line of a list item
                self.out.append(" " + self.inline(stripped))
            else:
                self.paragraph.append(stripped)
            i += 1
        self.flush()
        self.result.html = "\n".join(self.out)
        return self.result


def render_markdown(
    source: str, *, link_md: Callable[[str], str | None] = lambda t: None
) -> Rendered:
    """The HTML of ``source`` (safe to mark safe: all text is escaped)."""
    return _Renderer(link_md).render(source)
