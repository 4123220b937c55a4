"""A collection's build: raw transcriptions → TEI → validation → site, incrementally
(the ``build`` and ``package`` commands).

``config`` reads where things are; ``task`` is the pure per-document work (raw bytes in,
TEI, site pages and diagnostics out) that every executor runs; ``executors`` run it in
local processes or on a Dask cluster; ``engine`` decides what is out of date, writes the
outputs safely and keeps ``manifest``; ``persons`` makes the collection's personography
(its index and persons pages come from ``tei_tools.site.pages``); ``bag``
packages the result as a BagIt bag.
"""
