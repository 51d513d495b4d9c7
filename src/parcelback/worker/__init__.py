"""The background worker: the jobs that run outside a request, driven by rows in the database."""
