"""What a new password must be: long enough, not the user name, not a common one.

Applied wherever a person sets a password: the administrator's user form (creation and
reset), the change of one's own password, and ``qms users create``. Long passphrases
are welcome (up to ``MAX_LENGTH`` characters); there is no rule about character classes,
which only pushes people to ``Clave2024!``.

The common passwords are the 10,000 most used ones (``data/common_passwords.txt``, from
zxcvbn's list, MIT) plus words Spanish-speaking users build them on
(``data/common_passwords_es.txt``). A password is refused when it is one of them, or
becomes one once the digits and signs around it are taken off (``Chile2024!``,
``123qwerty``) and the usual letter swaps undone (``p@ssw0rd``).
"""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from qms.errors import ServiceError

MIN_LENGTH = 10
MAX_LENGTH = 256
#: Fewer different characters than this is a repetition (``aaaaaaaaaa``, ``1212121212``).
MIN_DISTINCT = 5
#: Shorter user names are checked for equality only: "ab" inside a passphrase is chance.
MIN_NAME_TO_SEARCH = 3

DATA = Path(__file__).resolve().parent / "data"
LISTS = ("common_passwords.txt", "common_passwords_es.txt")
#: Characters taken off both ends before looking a password up.
AROUND = string.digits + string.punctuation + string.whitespace + "¡¿°"
UNLEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"})

TOO_SHORT = f"La contraseña debe tener al menos {MIN_LENGTH} caracteres."
TOO_LONG = f"La contraseña puede tener como máximo {MAX_LENGTH} caracteres."
HAS_NAME = "La contraseña no puede ser ni contener el nombre de usuario."
REPETITIVE = ("La contraseña es demasiado repetitiva (como «aaaaaaaaaa», «1212121212» o «abcdefghij»): "
              "use más caracteres distintos, por ejemplo una frase de varias palabras.")
COMMON = ("Esa contraseña está entre las más usadas y se adivina en pocos intentos; elija otra, "
          "por ejemplo una frase de varias palabras.")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped lists, lower case, read once."""
    words = set()
    for name in LISTS:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if line and not line.startswith("#"):
                words.add(line)
    return frozenset(words)


def _is_repetitive(password: str) -> bool:
    if len(set(password)) < MIN_DISTINCT:
        return True
    # A short block said again and again: "holaholahola" (the doubled string holds the
    # password again before its own length exactly when it is periodic).
    if (password + password).find(password, 1) < len(password):
        return True
    # One straight run up or down the character table: "abcdefghij", "9876543210".
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:])}
    return steps in ({1}, {-1})


def _is_common(lowered: str) -> bool:
    common = common_passwords()
    core = lowered.strip(AROUND)
    return any(candidate in common for candidate in (lowered, core, core.translate(UNLEET), lowered.translate(UNLEET)))


def check(password: str, username: str = "", field: str = "password") -> None:
    """Refuse ``password`` with a Spanish message on ``field`` unless it is acceptable."""
    check_length(password, field)
    lowered = password.lower()
    name = (username or "").strip().lower()
    if name and (lowered == name or (len(name) >= MIN_NAME_TO_SEARCH and name in lowered)):
        raise ServiceError(HAS_NAME, field=field)
    if _is_repetitive(lowered):
        raise ServiceError(REPETITIVE, field=field)
    if _is_common(lowered):
        raise ServiceError(COMMON, field=field)


def check_length(password: str, field: str = "password") -> None:
    """The length rule alone, for passwords set by code (the demo's published ones)."""
    if len(password or "") < MIN_LENGTH:
        raise ServiceError(TOO_SHORT, field=field)
    if len(password or "") > MAX_LENGTH:
        raise ServiceError(TOO_LONG, field=field)
