"""The SPARQL endpoint, its Linked Data pages and the query page; the Flask app is made by :mod:`server.app`.

The package itself imports nothing: a query worker process imports :mod:`server.engine` and must not pay for Flask
and the pages it never uses (a tenth of a second for each worker, several workers for each HTTP process).
"""
