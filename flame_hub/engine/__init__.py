"""The engine: a request as plain data (``Call``), the call builders, the service client's transport and
retries, and the resolver that answers "which client runs this". Plans built here and in the ORM run
through the one driver pair of :mod:`flame_hub._driver`.
"""
