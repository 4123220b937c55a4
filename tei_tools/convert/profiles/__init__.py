"""Which reading a document gets: the ``memorandum`` profile (front matter, participants,
speakers, classification, stamps, the typescript's x-outs and slashes) or the
``document`` profile (the structure and annotations the source states, nothing
invented).

A memorandum is recognised by evidence only a memorandum carries, never by default:
a memorandum or record heading at its top ("MEMORANDUM OF CONVERSATION", "Record of
a Meeting", "TELEGRAM"), or a participants list ("PARTICIPANTS:", "Present:"). A
classification mark alone is no evidence (letters carry them too), nor is a date or
a subject line. The decision and what it rests on are reported (C020), and the user
may decide instead (``--profile``, ``profile =`` in a collection's configuration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tei_tools.diagnostics import Diagnostic

if TYPE_CHECKING:  # the collection's configuration imports the names without the readers
    from tei_tools.convert.profiles.memorandum.front import FrontReader

AUTO, MEMORANDUM, DOCUMENT = "auto", "memorandum", "document"
PROFILES = (AUTO, MEMORANDUM, DOCUMENT)
# Headings a letter or a dispatch also carries: not a memorandum's evidence.
_NOT_EVIDENCE = {"letter"}


@dataclass(frozen=True)
class Decision:
    profile: str
    why: str

    def diagnostic(self, source: str) -> Diagnostic:
        return Diagnostic("C020", f"read as a {self.profile}: {self.why}", source, 1, 1)


def decide(requested: str, front: FrontReader) -> Decision:
    """The profile for a document whose leading blocks ``front`` has read."""
    if requested not in PROFILES:
        raise ValueError(f"unknown profile {requested!r}; expected one of {', '.join(PROFILES)}")
    if requested != AUTO:
        return Decision(requested, "as asked (--profile)")
    evidence = []
    doc_type = front.facts.doc_type
    if doc_type and doc_type.lower() not in _NOT_EVIDENCE:
        evidence.append(f"its heading {doc_type!r}")
    if front.participants:
        evidence.append(f"a participants list ({len(front.participants)} entries)")
    if evidence:
        return Decision(MEMORANDUM, " and ".join(evidence))
    return Decision(
        DOCUMENT,
        "no memorandum heading or participants list at its top; "
        "give --profile memorandum to read it as one",
    )
