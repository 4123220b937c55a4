"""Names of people: the lexicon of titles and particles, and who a name is."""
