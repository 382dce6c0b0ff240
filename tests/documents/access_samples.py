"""URL values the route × role matrix needs for the documents pages."""


def make_samples(users, document):
    # /documentos/distribucion-por-defecto/<kind>/<code>: with the document's code it is a
    # 404 for the committee and a 403 for everyone else, which is what the matrix checks.
    return {"kind": "tipo"}
