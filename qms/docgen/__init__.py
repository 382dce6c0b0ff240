"""Word documents: templates, Markdown to Word, stamping, downloads and verification.

``service`` holds the hooks the documents service calls (official, obsolete and draft
copies) and ``render_report`` for the report modules; ``delivery`` hands files to
people and takes Word files back; ``admin`` manages institution templates.
"""
