"""FakeHub's single query engine: rapiq 2.2 semantics driven by :class:`~..schema.Resource` declarations.

The query string arrives parsed (``..qs``); ``expression``/``bracket`` turn the two filter dialects into one
condition tree (``conditions``), ``decoder`` reads a whole query against a declaration into a plan,
``engine`` applies the plan's filter, sort, page and fields to rows, and ``describe`` renders
``meta.schema``.
"""
