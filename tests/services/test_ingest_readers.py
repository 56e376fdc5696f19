"""Readers of each format, and fetching pages over http from a local server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from tests.conftest import SEEDS
from workbench import config
from workbench.domain.articles import ArticleDraft
from workbench.domain.bylines import article_sentences, leading_metadata
from workbench.errors import InputError
from workbench.services import fetch, readers
from workbench.services.readers import fetch_url, folder_files, read_bytes, read_path

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
CEASEFIRE_TEXT = (
    "Talks resume after border ceasefire\n"
    "Officials from both countries met in Geneva on Thursday, the first direct talks since the "
    "ceasefire took hold on May 10.\n"
    "The U.S. State Department said the meeting lasted four hours and ended at 6 p.m. local "
    'time. Gen. Asif Khan, who led one delegation, called the session "constructive but '
    'difficult."\n'
    "According to a joint statement, 26 people were killed during the four days of fighting. "
    "Independent monitors put the figure at 31.\n"
    "Both sides agreed to meet again within two weeks, the statement said."
)


def read_error(name: str, data: bytes) -> str:
    with pytest.raises(InputError) as info:
        read_bytes(name, data)
    return str(info.value)


def test_text_file_in_windows_1252_with_crlf() -> None:
    [draft] = read_path(DATA / "windows1252.txt")
    assert draft.body == (
        "Talks resume in Geneva after ceasefire\n\nOfficials met on Thursday.\n"
        "The U.S. envoy arrived at 6 p.m. “We are hopeful,” she said."
    )
    assert draft.title == "Talks resume in Geneva after ceasefire"
    assert draft.id == "windows1252"
    assert draft.source == str(DATA / "windows1252.txt")


def test_text_file_with_bom() -> None:
    [draft] = read_path(DATA / "bom.txt")
    assert (
        draft.body == "Border reopens for traders\nThe crossing reopened on Friday, officials said."
    )
    assert draft.title == "Border reopens for traders"


def test_text_file_whose_first_line_is_a_sentence_has_no_title() -> None:
    [draft] = read_bytes("story.txt", b"New York, June 4: Officials met today.\nMore text.")
    assert draft.title == ""
    assert draft.body == "New York, June 4: Officials met today.\nMore text."


BYLINED = (
    "Published on: June 4, 2025 12:18 pm\r\n\r\n"
    "Council approves the new budget\r\n"
    "By Ana Lima and Ben Ode\r\n"
    "The council approved the budget on Tuesday. By Friday, the mayor had signed it.\r\n"
)


def test_text_file_leading_published_and_by_lines_are_metadata_not_sentences() -> None:
    [draft] = read_bytes("budget.txt", BYLINED.encode("cp1252"))
    assert (draft.title, draft.published, draft.author) == (
        "Council approves the new budget",
        "2025-06-04",
        "Ana Lima and Ben Ode",
    )
    # The body is the file as written (line endings normalised): nothing is dropped.
    assert draft.body == BYLINED.replace("\r\n", "\n").strip()
    spans = article_sentences(draft.body)
    assert [span.text for span in spans] == [
        "Council approves the new budget",
        "The council approved the budget on Tuesday.",
        "By Friday, the mayor had signed it.",
    ]
    assert [span.index for span in spans] == [0, 1, 2]
    assert all(draft.body[span.start : span.end] == span.text for span in spans)


def test_text_file_keeps_lines_that_only_look_like_metadata() -> None:
    data = b"Published figures show 13 deaths.\nBy Tuesday, officials had counted 40 votes."
    [draft] = read_bytes("figures.txt", data)
    assert (draft.published, draft.author, leading_metadata(draft.body).spans) == (None, None, ())
    assert len(article_sentences(draft.body)) == 2


def test_every_format_leaves_the_same_metadata_lines_out_of_the_sentences() -> None:
    # An articles.jsonl export read back gets the sentences (and indices) of the .txt file.
    [text] = read_bytes("budget.txt", BYLINED.encode())
    record = {"id": "budget", "body": text.body}
    [again] = read_bytes("articles.jsonl", orjson.dumps(record))
    assert (again.published, again.author) == (None, None)  # records name their own fields
    assert article_sentences(again.body) == article_sentences(text.body)
    assert len(article_sentences(text.body)) == 3


def test_seed_dateline_is_the_published_date() -> None:
    [draft] = read_path(SEEDS / "002_106eb614b3e40071.txt")
    assert draft.published == "2025-06-04"
    first = article_sentences(draft.body)[0]
    assert first.text.startswith("Bilawal Bhutto-Zardari Urges")


def test_markdown_front_matter_heading_and_markup() -> None:
    [draft] = read_path(DATA / "briefing.md")
    assert draft == ArticleDraft(
        body=(
            "Ceasefire holds for a third week\n\n"
            "Officials said the ceasefire held for a third week.\n\n"
            '"Nobody wants a return to fighting," said Gen. Asif Khan.\n\n\n\n'
            "- Trade resumed at 9 a.m. on Monday."
        ),
        title="Ceasefire holds for a third week",
        id="briefing",
        url="https://news.example.com/briefing",
        outlet="Example News",
        author="Sam Writer",
        published="2025-06-06",
        source=str(DATA / "briefing.md"),
    )


def test_markdown_without_heading_uses_the_headline_rule() -> None:
    [draft] = read_bytes("a.md", b"Officials met on *Thursday*.\n\nSecond paragraph.")
    assert (draft.title, draft.body) == ("", "Officials met on Thursday.\n\nSecond paragraph.")


def test_html_keeps_the_article_and_drops_navigation_scripts_and_footer() -> None:
    [draft] = read_path(DATA / "ceasefire.html")
    assert draft == ArticleDraft(
        body=CEASEFIRE_TEXT,
        title="Talks resume after border ceasefire",
        id="ceasefire",
        url="https://herald.example.org/world/talks-resume",
        outlet="Example Herald",
        author="Jane Reporter",
        published="2025-06-05",
        source=str(DATA / "ceasefire.html"),
    )
    for dropped in ("Subscribe", "injected", "Copyright", "recipes", "tracker", "Menu"):
        assert dropped not in draft.body


def test_html_without_article_text() -> None:
    assert read_error("empty.html", b"<html><body><script>go()</script></body></html>") == (
        "no article text found in the page"
    )


def test_jsonl_records() -> None:
    drafts = read_path(DATA / "records.jsonl")
    assert [(d.id, d.title, d.body, d.published, d.line) for d in drafts] == [
        (
            "geneva-talks",
            "Geneva talks end",
            "Talks ended on Friday. Both sides will meet again.",
            "2025-06-06",
            1,
        ),
        (
            None,
            "Casualty figures disputed",
            "Officials said 26 people were killed. Monitors said 31.",
            "2025-06-07",
            3,
        ),
    ]
    assert drafts[0].url == "https://a.example.org/geneva"
    assert drafts[0].outlet == "A Daily"
    assert drafts[1].source == f"{DATA / 'records.jsonl'}:3"


def test_jsonl_keeps_line_separators_inside_strings() -> None:
    [draft] = read_bytes("a.jsonl", '{"body": "One\u2028two."}\r\n'.encode())
    assert draft.body == "One\u2028two."


def test_csv_records_with_quoted_multiline_body() -> None:
    drafts = read_path(DATA / "records.csv")
    assert [(d.id, d.title, d.body, d.outlet, d.published, d.line) for d in drafts] == [
        (
            "relief-convoy",
            "Relief convoy arrives",
            "The convoy reached the town on Monday.\nIt carried 40 tonnes of food, officials said.",
            "B Weekly",
            "2025-06-08",
            2,
        ),
        (None, "Prices rise", "Fuel prices rose by 4% on Tuesday.", None, None, 4),
    ]


def test_csv_with_semicolons() -> None:
    [draft] = read_bytes("a.csv", b"Title;Text\nTalks;They met. It rained.\n")
    assert (draft.title, draft.body) == ("Talks", "They met. It rained.")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.jsonl", b'{"body": "Fine."}\n[1, 2]\n', "a.jsonl:2: expected a JSON object, got array"),
        (
            "a.jsonl",
            b'{"body": "Fine."}\n{"body": "cut',
            "a.jsonl:2: invalid JSON at column 10: unterminated string",
        ),
        (
            "a.jsonl",
            b'{"body": "Fine."',
            "a.jsonl:1: invalid JSON at column 17: expecting ',' delimiter",
        ),
        ("a.jsonl", b"\n\n  \n", "a.jsonl: file has no records"),
        (
            "a.jsonl",
            b'{"id": "x", "body": "A."}\n{"id": "x", "body": "B."}',
            "a.jsonl:2: duplicate id 'x' (first on line 1)",
        ),
        ("a.csv", b"title,summary\nA,b\n", "a.csv:1: header has no 'body' (or 'text') column"),
        ("a.csv", b"title,body\nA,b,c\n", "a.csv:2: row has 3 fields; the header has 2"),
        ("a.csv", b'title,body\nA,"unclosed\n', "a.csv:2: invalid CSV: unclosed quote"),
        ("a.csv", b"title,body\n", "a.csv: file has no rows after the header"),
        (
            "a.csv",
            b"title,body,published\nA,b,4 June\n",
            "a.csv:2: field 'published' is not an ISO date (YYYY-MM-DD): '4 June'",
        ),
        ("a.md", b"---\ntitle: Only metadata\n---\n\n", "a.md: file has no text (only markup)"),
        (
            "a.pdf",
            b"%PDF-1.7",
            "a.pdf: unsupported file type '.pdf'; supported: .txt, .md, .html, .htm, .jsonl, .csv",
        ),
        (
            "README",
            b"text",
            "README: unsupported file type '(no extension)'; "
            "supported: .txt, .md, .html, .htm, .jsonl, .csv",
        ),
    ],
)
def test_bad_files(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        read_bytes(name, data)
    # The ingest service names the file the same way.
    assert str(InputError(info.value.detail, source=name, line=info.value.line)) == message


def test_folder_files_are_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    for relative in ("b.txt", "a/z.md", "a/y.HTML", "c.pdf", ".hidden/d.txt", "e.jsonl", "f.csv"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in folder_files(tmp_path)] == [
        "a/y.HTML",
        "a/z.md",
        "b.txt",
        "e.jsonl",
        "f.csv",
    ]


class _Handler(BaseHTTPRequestHandler):
    """Serves the fixture page and a few misbehaving responses."""

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""

    def _send(
        self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/article":
            self._send(200, (DATA / "ceasefire.html").read_bytes())
        elif self.path == "/bylined":
            self._send(200, BYLINED.encode(), "text/plain; charset=utf-8")
        elif self.path == "/plain":
            self._send(200, b"Plain text headline\nOfficials met.", "text/plain; charset=utf-8")
        elif self.path == "/pdf":
            self._send(200, b"%PDF-1.7", "application/pdf")
        elif self.path == "/huge":
            self._send(200, b"x" * (readers.MAX_DOCUMENT_BYTES + 1))
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, b"<p>late</p>")
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/file")
            self.end_headers()
        else:
            self._send(404, b"missing")


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up early (the size cap) is expected here, not worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore errors of single requests."""


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server is on loopback, which a fetch refuses unless the setting allows it."""
    monkeypatch.setenv(config.ALLOW_PRIVATE_FETCH_ENV, "1")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_html_page(server: str) -> None:
    [draft] = fetch_url(f"{server}/article")
    assert draft.body == CEASEFIRE_TEXT
    assert (draft.title, draft.author, draft.published, draft.outlet, draft.id) == (
        "Talks resume after border ceasefire",
        "Jane Reporter",
        "2025-06-05",
        "Example Herald",
        None,
    )
    assert draft.url == "https://herald.example.org/world/talks-resume"
    assert draft.source == f"{server}/article"


def test_fetch_plain_text(server: str) -> None:
    [draft] = fetch_url(f"{server}/plain")
    assert (draft.title, draft.body, draft.url) == (
        "Plain text headline",
        "Plain text headline\nOfficials met.",
        f"{server}/plain",
    )


def fetch_error(url: str) -> str:
    with pytest.raises(InputError) as info:
        fetch_url(url)
    return str(info.value)


def test_fetch_plain_text_reads_its_byline(server: str) -> None:
    [draft] = fetch_url(f"{server}/bylined")
    assert (draft.title, draft.author, draft.published) == (
        "Council approves the new budget",
        "Ana Lima and Ben Ode",
        "2025-06-04",
    )
    assert draft.body[leading_metadata(draft.body).spans[0][0] :].startswith("Published on: June 4")


def test_fetch_errors(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fetch_error(f"{server}/nothing") == "HTTP 404 Not Found"
    assert fetch_error(f"{server}/pdf") == "unsupported content type 'application/pdf'"
    assert (
        fetch_error(f"{server}/huge")
        == "page is too large: 10,000,001 bytes; the limit is 10,000,000"
    )
    assert (
        fetch_error(f"{server}/to-file")
        == "redirect to a non-http(s) URL refused: ftp://127.0.0.1/file"
    )
    assert fetch_error("ftp://127.0.0.1/x") == "only http(s) URLs can be ingested"
    monkeypatch.setattr(fetch, "FETCH_DEADLINE_S", 0.3)
    assert fetch_error(f"{server}/slow") == "timed out after 0.3 s"
