"""A small HTML tree for tests: parses a page strictly (every element closed in order)
and reports breaches of the content rules the site's pages must keep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK = {"address", "article", "aside", "blockquote", "div", "dl", "fieldset", "figure", "footer", "form", "h1", "h2", "h3",
         "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul"}
ALLOWED_CHILDREN = {"ul": {"li"}, "ol": {"li"}, "dl": {"dt", "dd", "div"}, "tr": {"th", "td"}, "thead": {"tr"}, "tbody": {"tr"},
                    "select": {"option"}}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants (self included) with the tag and attribute values (`class_` for
        class, `data_p` for data-p)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [n for n in self.iter() if (tag is None or n.tag == tag) and all(n.attrs.get(k) == v for k, v in wanted.items())]

    def by_id(self, ident: str) -> Node | None:
        found = self.find(id=ident)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 0)
        self.stack = [self.root]
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, line)
        parent = self.stack[-1]
        if len(dict(attrs)) != len(attrs):
            self.errors.append(f"line {line}: <{tag}> repeats an attribute")
        if parent.tag == "p" and tag in BLOCK:
            self.errors.append(f"line {line}: <{tag}> inside <p>")
        if parent.tag in ALLOWED_CHILDREN and tag not in ALLOWED_CHILDREN[parent.tag]:
            self.errors.append(f"line {line}: <{tag}> inside <{parent.tag}>")
        if tag == "a" and any(n.tag == "a" for n in self.stack):
            self.errors.append(f"line {line}: <a> inside <a>")
        parent.children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.errors.append(f"line {self.getpos()[0]}: <{tag}/> is not a void element")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes a void element")
        elif self.stack[-1].tag != tag:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes <{self.stack[-1].tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag in ALLOWED_CHILDREN and data.strip():
            self.errors.append(f"line {self.getpos()[0]}: text inside <{self.stack[-1].tag}>")
        self.stack[-1].children.append(data)


def parse(html: str) -> tuple[Node, list[str]]:
    """The document's tree and the problems found (empty when the page is well formed)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    errors = builder.errors + [f"<{n.tag}> (line {n.line}) is never closed" for n in builder.stack[1:]]
    ids = [n.attrs["id"] for n in builder.root.iter() if "id" in n.attrs]
    errors += [f"id {i!r} is not unique" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return builder.root, errors
