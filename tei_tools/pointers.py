"""TEI pointer values (``teidata.pointer``: an anyURI without whitespace) made from
file names and typed web addresses, and the file name read back from a pointer.

tei_all's anyURI, as jing checks it, refuses whitespace and an empty value, a ``%``
not followed by two hex digits, a second ``#``, ``[`` or ``]`` before the query (but
in an IPv6 host), a colon after something that is not a scheme (``1:b``), a scheme
with nothing after it and an empty authority with nothing after it (``//``). It lets
through ``\\ ^ { } | " < >`` and the backtick, and every character beyond ASCII. The
project schema's ``tei:uri`` type (schema/tei_tools.xsd) refuses the same and, stricter,
``[`` and ``]`` anywhere (libxml2 refuses them in a query), separators and controls;
what the converter writes from a name or an address goes through here, so that it is
valid against both.
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import quote, unquote

# A name keeps RFC 3986's unreserved characters and sub-delimiters, "@" and the "/"
# between folders; ":" is escaped so that no name reads as a scheme ("1:2.jpg").
_NAME_KEEPS = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=@/")
# Not URI characters, although jing lets them through: escaped in an address too.
_UNSAFE = frozenset(' "<>\\^`{|}')
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _visible_beyond_ascii(char: str) -> bool:
    # kept as an IRI keeps it ("Übersicht.jpg"); controls, invisible format characters
    # and separators (a no-break space) are escaped
    return ord(char) > 127 and unicodedata.category(char)[0] not in "CZ"


def _escaped(char: str) -> str:
    return quote(char, safe="", errors="surrogatepass")


def pointer_from_name(name: str) -> str:
    """A file name or a relative path (``/`` between folders) as a pointer, every
    character a URI path cannot hold as itself percent-encoded: ``A 0001.jpg`` →
    ``A%200001.jpg``. A name that is already a web address (``https://…``) is one."""
    if _ADDRESS.match(name):
        return pointer_from_address(name)
    return "".join(c if c in _NAME_KEEPS or _visible_beyond_ascii(c) else _escaped(c) for c in name)


def pointer_from_address(address: str) -> str:
    """A web address as typed, as a pointer: its syntax kept, only what a URI cannot
    hold escaped (a space, a ``%`` that starts no escape, a second ``#``, ``[`` and
    ``]``, which the project schema refuses even where a URI may have them)."""
    out: list[str] = []
    fragment = False
    for i, c in enumerate(address):
        if c == "%":
            keep = _ESCAPE.match(address, i) is not None
        elif c == "#":
            keep = not fragment
            fragment = True
        elif c in "[]":
            keep = False
        elif ord(c) > 127:
            keep = _visible_beyond_ascii(c)
        else:
            keep = c not in _UNSAFE and c.isprintable()
        out.append(c if keep else _escaped(c))
    return "".join(out)


def name_from_pointer(pointer: str) -> str:
    """The file name or path a relative pointer names: its escapes decoded."""
    return unquote(pointer)
