"""TEI mapping: the one place where model nodes become TEI elements.

``write_inline`` and ``write_block`` are exhaustive matches over the model, so a
change to how (say) a deletion is encoded is a one-line change here.
"""

from __future__ import annotations

import functools

from lxml import etree

from tei_tools.convert.model import (
    Addition,
    Block,
    BlockNote,
    Choice,
    DateRef,
    Deletion,
    Emphasis,
    Figure,
    FormWork,
    FrontBlock,
    Gap,
    Graphic,
    Heading,
    Hyphenation,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metamark,
    Note,
    PageBreak,
    Paragraph,
    PersonRef,
    Segment,
    SourceNote,
    Stamp,
    Substitution,
    Table,
    Tagged,
    Text,
)
from tei_tools.namespaces import TEI_NS, XML_NS
from tei_tools.pointers import pointer_from_address, pointer_from_name
from tei_tools.trees import append_text

_SEGMENT_TAGS = {"time": "time", "place": "placeName", "docNumber": "idno"}
_LB = f"{{{TEI_NS}}}lb"


@functools.cache
def tei(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    # the writer's hottest call: names made once, no attribute dictionary when none
    if attrs:
        el = etree.SubElement(parent, tei(tag), {_attr_name(k): v for k, v in attrs.items()})
    else:
        el = etree.SubElement(parent, tei(tag))
    if text is not None:
        el.text = text
    return el


@functools.cache
def _attr_name(key: str) -> str:
    """Python-safe keyword → XML name: ``xml_id`` → xml:id, ``break_`` → break."""
    if key.startswith("xml_"):
        return f"{{{XML_NS}}}{key[4:]}"
    return key.rstrip("_")


def write_inlines(parent: etree._Element, nodes: list[Inline]) -> None:
    """Adjacent texts are joined before they reach the tree: appended one by one, the
    text after the last child would be copied whole each time (quadratic)."""
    texts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            texts.append(node.text)
            continue
        if texts:
            append_text(parent, "".join(texts))
            texts.clear()
        write_inline(parent, node)
    if texts:
        append_text(parent, "".join(texts))


def write_inline(parent: etree._Element, node: Inline) -> None:
    match node:  # the commonest first: each case tried is an isinstance() and getattrs
        case Text(text=text):
            append_text(parent, text)
        case LineBreak(facs=facs, joins=joins):  # one a line: made without sub()'s mapping
            attrs = {"break": "no"} if joins else {}
            if facs and (pointers := _ref(facs)):
                attrs["facs"] = pointers
            etree.SubElement(parent, _LB, attrs)
        case Deletion(rend=rend, change=change, children=children):
            write_inlines(sub(parent, "del", **_given(rend=rend, change=_ref(change))), children)
        case Addition(place=place, change=change, children=children):
            write_inlines(sub(parent, "add", **_given(place=place, change=_ref(change))), children)
        case Substitution(parts=parts):
            subst = sub(parent, "subst")
            for part in parts:
                write_inline(subst, part)
        case Gap(reason=reason, quantity=quantity):
            if quantity is None:
                sub(parent, "gap", reason=reason)
            else:
                sub(parent, "gap", reason=reason, quantity=str(quantity), unit="chars")
        case Emphasis(rend=rend, children=children):
            write_inlines(sub(parent, "hi", rend=rend), children)
        case Link(target=target, children=children):
            write_inlines(sub(parent, "ref", target=pointer_from_address(target)), children)
        case PersonRef(ref=ref, children=children):
            attrs = {"ref": f"#{ref}"} if ref else {}
            write_inlines(sub(parent, "persName", **attrs), children)
        case DateRef(when=when, children=children):
            write_inlines(sub(parent, "date", when=when), children)
        case Tagged(element="gap", attrs=attrs, children=children):
            gap = sub(parent, "gap", **attrs)
            if children:  # the text the editor put where the gap is: its description
                write_inlines(sub(gap, "desc"), children)
        case Tagged(element=element, attrs=attrs, children=children):
            write_inlines(sub(parent, element, **attrs), children)
        case Choice(kind=kind, other=other, ana=ana, attrs=attrs, children=children):
            choice = sub(parent, "choice", **_given(ana=ana), **attrs)
            write_inlines(sub(choice, kind), children)
            sub(choice, "expan" if kind == "abbr" else "corr", other or None)
        case Graphic(name=name, desc=desc):
            figure = sub(parent, "figure")
            sub(figure, "graphic", url=pointer_from_name(name))
            if desc:
                sub(figure, "figDesc", desc)
        case Note(place=place, kind=kind, n=n, ana=ana, children=children):
            attrs = _given(place=place, type=kind, n=n, ana=ana)
            write_inlines(sub(parent, "note", **attrs), children)
        case Segment(kind=kind, children=children):
            tag = _SEGMENT_TAGS.get(kind)
            el = sub(parent, tag) if tag else sub(parent, "seg", type=kind)
            if kind == "docNumber":
                el.set("type", "docNumber")
            write_inlines(el, children)
        case Hyphenation(mark=mark, facs=facs):
            sub(parent, "pc", mark, force="weak")
            sub(parent, "lb", break_="no", **_given(facs=_ref(facs)))
        case Metamark(mark=mark):
            sub(parent, "metamark", mark, function="insert")
        case FormWork(kind=kind, children=children, facs=facs):
            write_inlines(sub(parent, "fw", type=kind, **_given(facs=_ref(facs))), children)
        case PageBreak(n=n, facs=facs):
            sub(parent, "pb", **_given(n=n, facs=_ref(facs)))  # a Word page break has no n


def _ref(targets: str | None) -> str:
    """``a b`` → ``#a #b``: local pointers."""
    return " ".join(f"#{t}" for t in (targets or "").split())


def _given(**attrs: str) -> dict[str, str]:
    """The attributes that have a value: the source said something of them."""
    return {k: v for k, v in attrs.items() if v}


def write_block(parent: etree._Element, block: Block) -> None:
    facs = _given(facs=_ref(block.facs))
    match block:
        case Paragraph(children=children, reports_speech=True, speaker=speaker, label=label):
            p = sub(parent, "p", **facs)
            attrs = {"who": f"#{speaker}"} if speaker else {}
            if label:  # a transcript: the label, then the speaker's own words
                head = sub(p, "label")
                write_inlines(head, label)
                head.tail = " "
            direct = "true" if label else "false"
            write_inlines(sub(p, "said", direct=direct, **attrs), children)
        case Paragraph(children=children):
            write_inlines(sub(parent, "p", **facs), children)
        case ListBlock():
            write_list(parent, block, facs)
        case SourceNote(children=children):
            write_inlines(sub(parent, "note", type="source", **facs), children)
        case Stamp(children=children):
            ab = sub(parent, "ab", type="stamp", **facs)
            write_inlines(sub(ab, "stamp", type="declassification"), children)
        case FrontBlock(kind=kind, children=children):
            write_inlines(sub(parent, "ab", type=kind, **facs), children)
        case FormWork() | PageBreak():
            write_inline(parent, block)
        case Heading(children=children):
            write_inlines(sub(parent, "head", **facs), children)
        case BlockNote(place=place, children=children):
            write_inlines(sub(parent, "note", **_given(place=place), **facs), children)
        case Figure(children=children):
            figure = sub(parent, "figure", **facs)
            if children:
                write_inlines(sub(figure, "head"), children)
        case Table(rows=rows):
            table = sub(parent, "table", **facs)
            for cells in (r for r in rows if r):  # a row merged into the one above: none
                row = sub(table, "row")
                for cell in cells:
                    spans = _given(cols=_span(cell.cols), rows=_span(cell.rows))
                    el = sub(row, "cell", **spans, **_given(facs=_ref(cell.facs)))
                    write_inlines(el, cell.children)


def write_list(parent: etree._Element, block: ListBlock, facs: dict[str, str]) -> None:
    lst = sub(parent, "list", **_given(type=block.kind), **facs)
    for item in block.items:
        el = sub(lst, "item", **_given(n=item.n or ""))
        write_inlines(el, item.children)
        if item.sublist is not None:
            write_list(el, item.sublist, {})


def _span(n: int) -> str:
    return str(n) if n > 1 else ""


def write_blocks(parent: etree._Element, blocks: list[Block]) -> None:
    """Blocks in divisions: a heading opens a ``div`` at its level, inside the open
    division of a higher level and closing those of its own or a lower one; what
    comes before the first heading stands in ``parent`` itself."""
    open_divs: list[tuple[int, etree._Element]] = []
    for block in blocks:
        if isinstance(block, Heading):
            while open_divs and open_divs[-1][0] >= block.level:
                open_divs.pop()
            here = open_divs[-1][1] if open_divs else parent
            open_divs.append((block.level, sub(here, "div")))
        write_block(open_divs[-1][1] if open_divs else parent, block)
