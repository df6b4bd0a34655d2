"""A page as a person (or a screen reader) reads it, from its HTML: the title, an element by id
with its attributes and text, the links by their text. Python's own HTML parser, nothing else.

>>> page = Page('<title>Connexion</title><a href="/aide">Aide</a>')
>>> page.title, page.links["Aide"]
('Connexion', '/aide')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]
    text: str = ""


@dataclass
class _Open:
    element: Element
    parts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, Element] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self.text = ""
        self._open: list[_Open] = []
        self._all: list[str] = []
        self.feed(html)
        self.close()
        self.text = " ".join(" ".join(self._all).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        if "id" in element.attributes:
            self.by_id[element.attributes["id"]] = element
        if tag not in VOID:
            self._open.append(_Open(element))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            closed = self._open.pop()
            text = " ".join("".join(closed.parts).split())
            closed.element.text = text
            if self._open:
                self._open[-1].parts.append(" " + text + " ")
            if closed.element.tag == "title":
                self.title = text
            if closed.element.tag == "a" and "href" in closed.element.attributes:
                self.links[text] = closed.element.attributes["href"]
            if closed.element.tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self._all.append(data)
        if self._open:
            self._open[-1].parts.append(data)
