"""The ASCII reading of XML Schema patterns (``pruned.ascii_regex``) agrees with
libxml2 on every string of XML's ASCII characters: a facet it lets the validator drop
is one libxml2 would have found met."""

from __future__ import annotations

import functools
import re
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.validate.pruned.ascii_regex import translate

# The patterns of tei_all's attributes, and others in XML Schema's syntax
PATTERNS = [
    r"\S+",
    r"[^\p{C}\p{Z}]+",
    r"[0-9.,DHMPRSTWYZ/:+\-]+",
    r"(\-?[\d]+/\-?[\d]+)",
    r"(-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?)",
    r"(19[789][0-9]|[2-9][0-9]{3}).*",
    r"[\-+]?\d+(\.\d+)?(%|cm|mm|in|pt|pc|px|em|ex|ch|rem|vw|vh|vmin|vmax)",
    r"[\d]+[a-z]*[\d]*(\.[\d]+[a-z]*[\d]*){0,3}",
    r"[^/\s]+:\S*",
    r".+:.+",
    r"[a-z][a-z0-9\+\.\-]*",
    r"\i\c*",
    r"\w+\W?",
    r"\p{Lu}\p{Ll}*|\P{L}+",
    r"a^b$",
    r"[\p{N}\s]{2,4}",
    r"[^a-c]x|[-a]",
    r"[a\-z]",
    r"[0-9+\-.]+",
    r"[^\[\-a]",
]
# The ASCII characters XML 1.0 allows (an attribute's value holds no other)
XML_ASCII = "\t\n\r" + "".join(chr(c) for c in range(0x20, 0x80))
ASCII_TEXT = st.text(alphabet=st.sampled_from(XML_ASCII), max_size=12)


XS = "http://www.w3.org/2001/XMLSchema"


@functools.cache
def libxml2(pattern: str) -> etree.XMLSchema:
    """An XML Schema whose one element's text must match ``pattern``."""
    return etree.XMLSchema(
        etree.fromstring(
            f'<xs:schema xmlns:xs="{XS}"><xs:element name="a"><xs:simpleType>'
            f'<xs:restriction base="xs:string"><xs:pattern value={quoteattr(pattern)}/>'
            "</xs:restriction></xs:simpleType></xs:element></xs:schema>"
        )
    )


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=ASCII_TEXT)
def test_the_ascii_reading_agrees_with_libxml2(pattern, text):
    ours = translate(pattern)
    assert ours is not None, pattern
    document = etree.Element("a")
    document.text = text
    expected = libxml2(pattern).validate(document)
    assert bool(re.fullmatch(ours, text)) == expected, (pattern, text)


@pytest.mark.parametrize(
    "pattern",
    [r"[a-z-[aeiou]]", r"\p{IsBasicLatin}+", r"[a", r"(?:a)", r"[z-a]", r"a*+", r"a{2}?+"],
)
def test_what_it_does_not_read_it_leaves_to_elementpath(pattern):
    assert translate(pattern) is None
