"""The parts of a drafted annotation, one module each; :mod:`kg.draft` puts them together.

text: folding and sentences; known: what the corpus already declares; meta: byline and dateline; names: new
names; positions: titles next to names; speech: quotations and reported speech; dates, numbers, places: what
the text states of each; links: events other articles describe; model: the drafted items; emit: the YAML.
"""
