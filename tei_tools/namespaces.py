"""The namespaces every stage names, defined once."""

TEI_NS = "http://www.tei-c.org/ns/1.0"
T = f"{{{TEI_NS}}}"  # Clark-notation prefix: f"{T}p" is TEI's <p>
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
