"""FakeHub's single query engine: rapiq 2.2 semantics driven by :class:`~..schema.Resource` declarations.

``qs`` parses the query string, ``expression``/``bracket`` turn the two filter dialects into one
condition tree (``conditions``), ``engine`` applies filter, sort, page, fields and include to rows,
and ``describe`` renders ``meta.schema``.
"""
