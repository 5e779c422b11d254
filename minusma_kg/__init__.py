"""minusma-kg: an open knowledge graph of the UN peacekeeping mission in Mali, built from news articles.

The distribution installs one import package under the project's own name: ``minusma_kg.kg`` is the build
(the repository's ``kg/``), ``minusma_kg.server`` the endpoint and pages (``server/``), and the ontology and the
saved queries travel with them as ``minusma_kg.ontology`` and ``minusma_kg.queries``. The build never imports the
server; :mod:`minusma_kg.cli` is the one place that imports both.
"""

__version__ = "0.1.0"
