"""The Word engine: templates, Markdown to Word, stamping, uploads; it knows no domain.

Everything it renders comes in as plain-value contexts (``context.py``) and the
institution from a provider the app installs (``institution.py``). ``service`` is the
API the domain modules call (reports, controlled documents); ``admin`` and ``views``
are the engine's own administration of the institution's templates.
"""
