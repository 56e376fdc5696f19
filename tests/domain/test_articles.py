"""Article drafts: decoding, headline rule, record validation, ids and limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.domain.articles import (
    MAX_BODY_CHARS,
    ArticleDraft,
    article_id_for,
    check_draft,
    check_url,
    content_hash,
    decode_text,
    draft_from_record,
    looks_like_headline,
    normalise_text,
    parse_published,
    slugify,
    stand_in_title,
)
from workbench.errors import InputError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def error_of(call: object, *args: object, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


def test_decode_utf8_with_and_without_bom() -> None:
    assert decode_text("Zürich “quoted”".encode()) == "Zürich “quoted”"
    assert decode_text(b"\xef\xbb\xbfBOM first") == "BOM first"


def test_decode_falls_back_to_windows_1252() -> None:
    assert decode_text(b"caf\xe9 \x93quoted\x94 \x96 dash") == "café “quoted” – dash"


def test_decode_rejects_text_that_is_neither() -> None:
    error = error_of(decode_text, b"caf\xe9 ok\nbad \x81 byte")
    assert str(error) == "line 2: not UTF-8 or Windows-1252 text (byte 0x81)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte), not text"),
        (b"abc\x1bdef", "binary file (control character 0x1b), not text"),
        (b"\xff\xfeh\x00i\x00", "text is UTF-16; save it as UTF-8"),
    ],
)
def test_decode_rejects_binary(data: bytes, message: str) -> None:
    assert str(error_of(decode_text, data)) == message


def test_normalise_line_endings_and_bom() -> None:
    assert normalise_text("\ufeff  one\r\ntwo\rthree\n\n") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "line",
    [
        "Bilawal Bhutto calls for ISI-RAW cooperation as Shashi Tharoor-led delegation "
        "prepares for US face-Off",
        "US-Russia Discuss India-Pakistan Ceasefire Amid Rising Geopolitical Tensions",
        "Is the ceasefire holding?",
        "Analysis: what the talks mean",
    ],
)
def test_headlines(line: str) -> None:
    assert looks_like_headline(line)


@pytest.mark.parametrize(
    "line",
    [
        "New York, June 4, 2025: In a striking turn of tone, Pakistan’s former Foreign Minister "
        "Bilawal Bhutto, now leading a delegation to the United Nations, made a public appeal.",
        "Published on: June 4, 2025 12:18 pm",
        "By Jane Reporter",
        "Officials met on Thursday.",
        "Breaking",
        "06/04/2025 12:18",
        " ".join(["word"] * 40),
    ],
)
def test_not_headlines(line: str) -> None:
    assert not looks_like_headline(line)


def test_seed_first_lines_follow_the_headline_rule() -> None:
    titled = {
        path.name
        for path in sorted(SEEDS.glob("*.txt"))
        if looks_like_headline(path.read_text(encoding="utf-8").split("\n", 1)[0])
    }
    assert titled == {"001_905ae90385d1da76.txt", "004_2be8afc61ee91103.txt"}


def test_parse_published() -> None:
    assert parse_published("2025-06-04") == "2025-06-04"
    assert parse_published("2025-06-04T12:18:00Z") == "2025-06-04"
    assert parse_published(" 2025-06-04T12:18:00+05:30 ") == "2025-06-04"
    for bad in ("06/04/2025", "2025-13-01", "June 4, 2025", "2025-02-30"):
        message = str(error_of(parse_published, bad))
        assert message == f"field 'published' is not an ISO date (YYYY-MM-DD): {bad!r}"


def test_check_url() -> None:
    assert check_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://example.org", "example.org"):
        assert str(error_of(check_url, bad)) == f"field 'url' must be an http(s) URL: {bad!r}"


def test_record_with_text_field_and_all_metadata() -> None:
    draft = draft_from_record(
        {
            "id": "talks",
            "title": "  Talks   end ",
            "text": "Talks ended.\r\nThey will meet again.",
            "url": "https://a.example.org/x",
            "outlet": "A Daily",
            "published": "2025-06-06T10:00:00Z",
            "extra": [1, 2],
        },
        source="in.jsonl",
        line=3,
    )
    assert draft == ArticleDraft(
        body="Talks ended.\nThey will meet again.",
        title="Talks end",
        id="talks",
        url="https://a.example.org/x",
        outlet="A Daily",
        published="2025-06-06",
        source="in.jsonl:3",
        line=3,
    )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"title": "No body"}, "line 7: missing field 'body' (or 'text')"),
        ({"body": 5}, "line 7: field 'body' must be a string, not int"),
        ({"body": "x", "title": ["a"]}, "line 7: field 'title' must be a string, not list"),
        ({"body": "  "}, "line 7: article body is empty"),
        (
            {"body": "x", "outlet": "o" * 201},
            "line 7: field 'outlet' is longer than 200 characters",
        ),
        ({"body": "x", "id": "!!!"}, "line 7: article id '!!!' has no usable characters"),
        (
            {"body": "x", "url": "javascript:alert(1)"},
            "line 7: field 'url' must be an http(s) URL: 'javascript:alert(1)'",
        ),
    ],
)
def test_bad_records(record: dict[str, object], message: str) -> None:
    assert str(error_of(draft_from_record, record, source="in.jsonl", line=7)) == message


def test_numeric_ids_are_accepted() -> None:
    assert draft_from_record({"id": 7, "body": "x"}).id == "7"
    message = str(error_of(draft_from_record, {"id": 1.5, "body": "x"}, line=2))
    assert message == "line 2: field 'id' must be a string, not float"


def test_too_large_article() -> None:
    draft = ArticleDraft(body="a" * (MAX_BODY_CHARS + 1))
    assert str(error_of(check_draft, draft)) == (
        "article is too large: 2,000,001 characters; the limit is 2,000,000"
    )


def test_content_hash_depends_on_body_only() -> None:
    one = ArticleDraft(body="Same text.", title="One", source="a.txt")
    two = ArticleDraft(body="Same text.", title="Two", source="b.jsonl:1")
    assert content_hash(one) == content_hash(two)
    assert content_hash(one) != content_hash(ArticleDraft(body="Other text."))


def test_article_ids() -> None:
    digest = "0123456789abcdef" * 4
    assert article_id_for(ArticleDraft(body="x", id="000_b5ddb462525d61c6"), digest) == (
        "000_b5ddb462525d61c6"
    )
    assert article_id_for(ArticleDraft(body="x", title="Talks: end?"), digest) == (
        "talks-end-01234567"
    )
    assert article_id_for(ArticleDraft(body="x"), digest) == "article-0123456789abcdef"
    assert slugify("Zürich talks / day 2") == "Zurich-talks-day-2"


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (
            ["Published on: June 4, 2025 12:18 pm", "Ministers Meet in Geneva", "Body."],
            "Ministers Meet in Geneva",
        ),
        (["By Jane Doe", "The council met on Monday."], "The council met on Monday."),
        (
            [
                "The council approved the budget on Monday after a long debate over school "
                "funding and roads."
            ],
            "The council approved the budget on Monday after a long debate over school…",
        ),
        (["2025", "---"], ""),
        ([], ""),
    ],
)
def test_stand_in_title_skips_metadata_and_cuts_the_lede(
    sentences: list[str], expected: str
) -> None:
    title = stand_in_title(sentences)
    assert title == expected and len(title) <= 81
