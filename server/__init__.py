"""The SPARQL endpoint, its Linked Data pages and the query page; :mod:`minusma_kg.server.app` makes the Flask app.

The package itself imports nothing: a query worker process imports :mod:`minusma_kg.server.engine` and must not
pay for Flask and the pages it never uses (a tenth of a second for each worker, several workers for each HTTP
process).
"""
