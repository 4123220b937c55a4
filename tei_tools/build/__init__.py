"""Building a collection: raw transcriptions → TEI → validation → site, incrementally.

``config`` reads where things are; ``task`` is the pure per-document work (raw bytes in,
TEI, site pages and diagnostics out) that every executor runs; ``executors`` run it in
local processes or on a Dask cluster; ``engine`` decides what is out of date, writes the
outputs safely and keeps ``manifest``; ``persons`` and ``pages`` make the collection's
personography and index; ``bag`` packages the result as a BagIt bag.
"""
