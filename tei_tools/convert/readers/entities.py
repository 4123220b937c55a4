"""What a source's tags state beyond their span. The persons they describe (a
Transkribus person tag's first and last name, dates of birth and death, Wikidata
item): one record per person however often the tag recurs, each with an xml:id the
tagged names point at (``persName/@ref``). And every other property no TEI
attribute holds (a place's ``country``, a project's own): a feature structure per
tag kind and set of values, which the tagged element points at (``@ana``). Both are
written in the ``standOff``."""

from __future__ import annotations

from dataclasses import dataclass, field

from tei_tools.convert.model import Dated, FeatureSet, Person
from tei_tools.names.identity import id_base, unused


@dataclass
class TaggedPeople:
    """The document's tagged persons, by what their tags state."""

    persons: dict[tuple[object, ...], Person] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def id_for(
        self,
        forename: str,
        surname: str,
        birth: Dated | None = None,
        death: Dated | None = None,
        authority: str = "",
    ) -> str:
        """The xml:id of the person these properties describe, recorded at first sight;
        two tags stating the same are one person, a namesake stating other dates or
        another authority is another."""
        key = (forename, surname, birth, death, authority)
        known = self.persons.get(key)
        if known is not None:
            return known.id
        pid = unused(id_base(f"{surname} {forename}"), self.ids)
        self.ids.add(pid)
        name = " ".join(part for part in (forename, surname) if part)
        self.persons[key] = Person(
            pid,
            name,
            surname=surname,
            forename=forename,
            birth=birth,
            death=death,
            authority=authority or None,
        )
        return pid

    def listed(self) -> list[Person]:
        return list(self.persons.values())


@dataclass
class TagFeatures:
    """The feature structures of the document's tags, one per tag kind and values."""

    sets: dict[tuple[str, tuple[tuple[str, str], ...]], FeatureSet] = field(default_factory=dict)

    def id_for(self, kind: str, features: tuple[tuple[str, str], ...]) -> str:
        key = (kind, features)
        known = self.sets.get(key)
        if known is None:
            known = self.sets[key] = FeatureSet(f"tagprops-{len(self.sets) + 1}", kind, features)
        return known.id

    def listed(self) -> list[FeatureSet]:
        return list(self.sets.values())
