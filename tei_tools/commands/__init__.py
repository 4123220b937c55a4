"""One module per command; tei_tools.cli assembles them."""
