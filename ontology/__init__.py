"""The OWL ontology (minusma.ttl) and the SHACL shapes (shapes.ttl): a package so they install with the code."""
