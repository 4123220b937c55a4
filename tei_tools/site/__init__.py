"""The static edition: a document page per TEI file framed as an edition (navigation,
citation, legend, the facsimile beside the text), the collection's pages, the IIIF
manifests, the Pagefind search index and a local server to preview it all."""
