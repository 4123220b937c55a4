"""Which schema a path names: the project schema, an XSD, a RELAX NG grammar (with
its embedded Schematron), a Schematron, or an ODD compiled into both; each compiled
once, then checking many documents."""

from __future__ import annotations

from pathlib import Path

from tei_tools.schema_files import project_schema_path
from tei_tools.validate.protocol import (
    RELAXNG_NS,
    SCHEMATRON_NS,
    OddSources,
    Schema,
    SchemaError,
    parse_schema_file,
)
from tei_tools.validate.relaxng import JingSchema, RelaxNGSchema, jing_command
from tei_tools.validate.rulesets import LayeredSchema, XPath2Schematron, Xslt1Schematron
from tei_tools.validate.xsd import XsdSchema


def load_schema(
    path: Path | None,
    cache: bool = True,
    schematron: bool = True,
    odd: OddSources | None = None,
) -> Schema:
    """The project schema, or the XSD / RELAX NG / Schematron / ODD file at ``path``; a
    RELAX NG grammar's embedded Schematron runs with it unless ``schematron`` is off;
    an ODD is compiled (or taken from the cache) into its grammar and Schematron."""
    from tei_tools.validate.schematron import embedded, is_xpath2

    if path is None:
        return XsdSchema(project_schema_path())
    suffix = path.suffix.lower()
    if suffix == ".odd":
        from tei_tools.validate.odd import compile_odd

        sources = odd or OddSources()
        compiled = compile_odd(
            path, sources.tei_source, sources.stylesheets, sources.allow_network, cache
        )
        command = jing_command()
        rng = compiled.rng
        compiled_grammar: Schema = (
            JingSchema(rng, command, cache) if command else RelaxNGSchema(rng)
        )
        if not schematron:
            return compiled_grammar
        rules = XPath2Schematron(
            compiled.isosch, parse_schema_file(compiled.isosch, SCHEMATRON_NS), cache
        )
        layered = LayeredSchema(compiled_grammar, rules)
        layered.name = path.name
        return layered
    if suffix == ".xsd":
        return XsdSchema(path)
    if suffix == ".rng":
        command = jing_command()
        tree = parse_schema_file(path, RELAXNG_NS)
        grammar: Schema = (
            JingSchema(path, command, cache, tree) if command else RelaxNGSchema(path, tree)
        )
        if schematron and embedded(tree.getroot()):
            return LayeredSchema(grammar, XPath2Schematron(path, tree, cache))
        return grammar
    if suffix in (".sch", ".schematron", ".isosch"):
        tree = parse_schema_file(path, SCHEMATRON_NS)
        if is_xpath2(tree.getroot()):
            return XPath2Schematron(path, tree, cache)
        return Xslt1Schematron(path)
    raise SchemaError(f"{path}: unknown schema type (expected .xsd, .rng, .sch, .isosch or .odd)")
