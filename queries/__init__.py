"""The saved example queries (``NN-name.rq``, each with its header): a package only so they install with the code."""
