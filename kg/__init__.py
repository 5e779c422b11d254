"""The build: articles and their annotations -> RDF -> SHACL -> OWL 2 RL -> a published dataset (never the server)."""
