"""Regenerate qms/auth/data/common_passwords.txt from zxcvbn's frequency list.

    pip download --no-deps -d /tmp/zx zxcvbn==4.5.0 && unzip -q -d /tmp/zx /tmp/zx/zxcvbn-*.whl
    python scripts/common_passwords.py /tmp/zx

zxcvbn (MIT) is not a dependency of the app: only the list is shipped, with its licence.
"""
import sys
from pathlib import Path

HEADER = """# The 10,000 most common passwords, most common first, one a line, lower case.
# Taken from the "passwords" frequency list of zxcvbn 4.5.0 (the Python port,
# https://github.com/dwolfhub/zxcvbn-python), MIT License, Copyright (c) 2016 Daniel Wolf;
# zxcvbn built it from a public dump of 10 million passwords released by Mark Burnett.
# The MIT licence text is in common_passwords.LICENSE beside this file.
# Regenerate with scripts/common_passwords.py.
"""
COUNT = 10_000


def main(unpacked: str) -> None:
    sys.path.insert(0, unpacked)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = FREQUENCY_LISTS["passwords"]
    words = words.split(",") if isinstance(words, str) else list(words)
    target = Path(__file__).resolve().parent.parent / "qms" / "auth" / "data" / "common_passwords.txt"
    target.write_text(HEADER + "\n".join(words[:COUNT]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
