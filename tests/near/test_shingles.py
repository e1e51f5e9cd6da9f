"""Shingles: typography and case do not matter, unspaced scripts shingle by character."""

from __future__ import annotations

from archiver.near import shingles as sh


def test_typography_and_case_give_the_same_shingles() -> None:
    plain = '"We saw it coming" - said Anton... the north-west wind; fine weather'
    typeset = "“We saw it coming” – said ANTON… the north–west wind; ﬁne weather"
    assert sh.shingles(plain) == sh.shingles(typeset)
    assert sh.shingles("ver\u00adminderde kosten hier") == sh.shingles("verminderde kosten hier")


def test_unspaced_scripts_are_tokens_of_one_character() -> None:
    assert sh.tokens("江城新大桥, 正式通车 in 2023") == [
        "江",
        "城",
        "新",
        "大",
        "桥",
        "正",
        "式",
        "通",
        "车",
        "in",
        "2023",
    ]
    assert sh.tokens("สะพานใหม่") == list("สะพานใหม่")
    # full-width punctuation and Latin letters fold to the same tokens as half-width ones
    assert sh.tokens("大桥（ＡＢ）。") == sh.tokens("大桥(ab).")


def test_word_order_matters_and_short_texts_are_one_shingle() -> None:
    assert sh.shingles("one two three four") != sh.shingles("four three two one")
    assert len(sh.shingles("one two")) == 1
    assert sh.shingles("— … ,") == set()


def test_jaccard_and_the_minhash_estimate_agree() -> None:
    words = [f"w{i}" for i in range(400)]
    a = sh.shingles(" ".join(words))
    b = sh.shingles(" ".join(words[:360]))  # the last tenth trimmed
    exact = sh.jaccard(a, b)
    assert 0.88 < exact < 0.92
    estimate = sh.estimate(sh.signature(a), sh.signature(b))
    assert abs(estimate - exact) < 0.1
    assert len(sh.signature(a)) == 4 * sh.NUM_PERM
    assert sh.jaccard(set(), set()) == 0.0


def test_the_title_line_is_not_part_of_the_body() -> None:
    assert sh.body_text("Storm", "Storm\nThe water rose.") == "The water rose."
    assert sh.body_text("Other", "Storm\nThe water rose.") == "Storm\nThe water rose."
