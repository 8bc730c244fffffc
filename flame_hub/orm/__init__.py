"""The ORM: ``Manager`` and ``QuerySet`` (Django's semantics over the Hub), the plans that say which
requests each operation needs, and ``Listing``, which keeps a paged read honest."""
