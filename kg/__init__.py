"""minusma-kg: an open knowledge graph of the UN peacekeeping mission in Mali, built from news articles."""

__version__ = "0.1.0"
