from qms.documents.compare import diff_words, render


def test_word_level_insertions_and_deletions():
    pieces = diff_words("El comité revisa el documento.", "El comité de calidad aprueba el documento.")
    inserted = "".join(t for op, t in pieces if op == "insert")
    deleted = "".join(t for op, t in pieces if op == "delete")
    assert "calidad" in inserted and "aprueba" in inserted
    assert "revisa" in deleted
    assert "comité" not in inserted + deleted


def test_rendering_escapes_user_text():
    html = render(diff_words("a <b>", "a <script>alert(1)</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<ins>" in html and "<del>" in html
