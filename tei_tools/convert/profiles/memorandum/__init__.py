"""The memorandum profile: front matter, participants, speakers, the typescript's
furniture and alterations, read over the nodes' view."""
