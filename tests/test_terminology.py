"""The terminology rule's matching, on the declared list in _ext/page-kinds.toml, without a build.

tests/test_rules.py breaks the rule in a fixture project (page text, diagram,
say-instead, handout title) and shows where it passes; these tests pin down
what counts as the word.
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))

from terminology import find, rules  # noqa: E402

TABLE = rules()


def words(text: str) -> list[str]:
    return [word for _, word, _ in find(text, TABLE)]


def test_the_declared_list_exempts_the_words_page_and_the_programmes_own_words() -> None:
    assert TABLE["exempt"] == ["reference/words-we-use"]
    assert "programme-original" in TABLE["skip_inside"]
    assert all(entry["instead"].strip() for entry in TABLE["avoid"])


def test_whole_words_in_any_case_are_found() -> None:
    assert words("Offenders and an offender's collection") == ["Offenders", "offender"]
    assert words("PORNOGRAPHY") == ["PORNOGRAPHY"]
    assert words("an ex-offender") == ["ex-offender"]


def test_a_longer_phrase_is_reported_once_by_its_own_entry() -> None:
    found = find("This is child pornography.", TABLE)
    assert [word for _, word, _ in found] == ["child pornography"]
    assert "indecent images of children" in found[0][2]


def test_a_phrase_broken_across_lines_is_found() -> None:
    assert words("child\n  pornography") == ["child\n  pornography"]


def test_parts_of_other_words_are_not_words() -> None:
    assert words("offending behaviour, offences, sporn, offenderish") == []


def test_allowed_phrases_pass_with_their_endings_and_curly_apostrophes() -> None:
    assert words("Ask the offender managers; see the offender manager's note.") == []
    assert words("Possession of extreme pornographic images is an offence.") == []
    assert words("I’m not really abusing anyone – I’m not a sex offender.") == []
    assert words("Often called the sex offenders register.") == []
    assert words("Pornography showing adults who agreed to it can be legal.") == []


def test_an_allowed_phrase_does_not_excuse_the_word_elsewhere_in_the_text() -> None:
    assert words("The offender manager met the offender.") == ["offender"]
    assert words("Adult pornography can be legal; pornography of children never is.") == ["pornography"]
