"""The ``workbench`` command line: each command hands off to one service call."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from workbench import __version__
from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.domain.text_safety import terminal_text
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.services.sentence_edits import EditReport


def echo(message: str, *, err: bool = False) -> None:
    """Print a line with stored text made safe for a terminal (no escape sequences, no bidi)."""
    typer.echo(terminal_text(message, keep="\n\t"), err=err)


def field(value: object) -> str:
    """Stored text as one field of a line: even its newlines and tabs are escaped."""
    return terminal_text("" if value is None else str(value))


class _ReportingGroup(TyperGroup):
    """Turns a WorkbenchError raised by any command into one line and exit status 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=_ReportingGroup,
    help="Fact-check workbench: claim-level annotation with evidence and gold exports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
guidelines_app = typer.Typer(help="Show or set the labeling guidelines.", no_args_is_help=True)
app.add_typer(guidelines_app, name="guidelines")
sentences_app = typer.Typer(
    help="Fix an article's sentences: merge, split, mark boilerplate.", no_args_is_help=True
)
app.add_typer(sentences_app, name="sentences")
tokens_app = typer.Typer(
    help="Personal access tokens of the REST API (/api/v1).", no_args_is_help=True
)
app.add_typer(tokens_app, name="tokens")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $WORKBENCH_DATABASE_URL or SQLite)."),
]


class State:
    """Options shared by every command."""

    db_url: str | None = None


def _database() -> Database:
    return Database.from_url(State.db_url)


def fail(message: str, code: int = 1) -> None:
    """Print one error line to stderr and exit with ``code``."""
    echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print_version(value: bool) -> None:
    # Eager: it runs before the group asks for a command, so `workbench --version` needs none.
    if value:
        echo(__version__)
        raise typer.Exit()


@app.callback()
def main_options(
    db: DbOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Options that apply to every command."""
    State.db_url = db


@app.command()
def init() -> None:
    """Create the database or upgrade it to the newest schema."""
    from workbench.db.migrate import upgrade

    database = _database()
    upgrade(database.engine)
    echo(f"database ready: {database.engine.url.render_as_string(hide_password=True)}")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Also fetch URLs on loopback, private, link-local and reserved addresses "
            "(or set WORKBENCH_ALLOW_PRIVATE_FETCH=1).",
        ),
    ] = False,
) -> None:
    """Load articles (.txt, .md, .html, .jsonl, .csv, folders, URLs)."""
    from workbench.services.fetch import FetchPolicy
    from workbench.services.ingest import ingest_paths

    policy = FetchPolicy.from_env(allow_private=allow_private)
    report = ingest_paths(_database(), sources=sources, fetch_policy=policy)
    for error in report.errors:
        echo(f"error: {error}", err=True)
    echo(
        f"{len(report.added)} article(s) added, {len(report.duplicates)} already present, "
        f"{len(report.errors)} error(s)"
    )
    if report.unlinked:
        echo(
            f"note: the database was busy; claim links of {len(report.unlinked)} article(s) "
            "are missing until `workbench relink` runs",
            err=True,
        )
    if report.errors:
        raise typer.Exit(1)


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option("--role", help="reviewer, editor or admin.")] = "reviewer",
    email: Annotated[str | None, typer.Option("--email")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (password from a prompt or --password-stdin)."""
    from workbench.services.users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            fail("passwords do not match")
    with _database().write() as session:
        user = create_user(session, name=name, role=role, password=password, email=email)
        echo(f"created {user.role} {user.name!r}")


@users_app.command("list")
def users_list() -> None:
    """Print accounts and roles."""
    from workbench.db.queries import list_users

    with _database().read() as session:
        for user in list_users(session):
            state = "active" if user.active else "inactive"
            line = f"{field(user.name)}\t{user.role}\t{state}\t{field(user.email)}"
            echo(line.rstrip("\t"))


@guidelines_app.command("show")
def guidelines_show(
    version: Annotated[
        int | None, typer.Option("--version", help="An earlier version (default: in force).")
    ] = None,
) -> None:
    """Print the guidelines in force (or of --version) as stored, after a header line."""
    from workbench.services.guidelines import guideline_version, guidelines_in_force

    with _database().read() as session:
        found = (
            guidelines_in_force(session)
            if version is None
            else guideline_version(session, version=version)
        )
    if found is None:
        fail("there are no guidelines" if version is None else f"no guidelines version {version}")
        return
    by = field(found.author) if found.author else "-"
    echo(f"# version {found.version}, saved {found.created_at:%Y-%m-%d %H:%M} UTC by {by}")
    echo(found.text.rstrip("\n"))


@guidelines_app.command("set")
def guidelines_set(
    file: Annotated[str, typer.Argument(help="UTF-8 Markdown file ('-' reads standard input).")],
    author: Annotated[
        str | None, typer.Option("--author", help="The admin account the version is saved as.")
    ] = None,
) -> None:
    """Save a file's text as the next version of the guidelines (unchanged text adds none)."""
    from pathlib import Path

    from workbench.services.guidelines import set_guidelines_from, set_guidelines_from_file

    if file == "-":
        raw = sys.stdin.buffer.read()
        version = set_guidelines_from(_database(), raw=raw, source="<stdin>", author=author)
    else:
        version = set_guidelines_from_file(_database(), path=Path(file), author=author)
    echo(f"guidelines version {version} in force")


def _new_password(password_stdin: bool) -> str:
    """The password from standard input, or typed twice at a prompt."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("New password: ")
    if getpass.getpass("Repeat password: ") != password:
        fail("passwords do not match")
    return password


@users_app.command("passwd")
def users_passwd(
    name: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password for an account (also lifts a lock-out)."""
    from workbench.services.users import set_password

    password = _new_password(password_stdin)
    with _database().write() as session:
        user = set_password(session, name=name, password=password)
        echo(f"password changed for {user.name!r}")


@users_app.command("role")
def users_role(
    name: str,
    role: Annotated[str, typer.Argument(help="reviewer, editor or admin.")],
) -> None:
    """Give an account another role (audited); the only active admin stays admin."""
    from workbench.domain.labels import Role
    from workbench.services.users import set_role

    with _database().write() as session:
        user, changed = set_role(session, name=name, role=role)
        now = Role(user.role).with_article
        echo(f"{user.name!r} is now {now}" if changed else f"{user.name!r} is already {now}")


@users_app.command("deactivate")
def users_deactivate(name: str) -> None:
    """Stop an account from signing in; its labels stay."""
    from workbench.services.users import set_active

    with _database().write() as session:
        user = set_active(session, name=name, active=False)
        echo(f"deactivated {user.name!r}")


@users_app.command("activate")
def users_activate(name: str) -> None:
    """Let a deactivated account sign in again."""
    from workbench.services.users import set_active

    with _database().write() as session:
        user = set_active(session, name=name, active=True)
        echo(f"activated {user.name!r}")


@tokens_app.command("create")
def tokens_create(
    account: Annotated[str, typer.Argument(help="The account the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. 'CMS feed'.")],
) -> None:
    """Make a token for ACCOUNT and print its secret once (it is stored only as a hash)."""
    from workbench.services.tokens import create_token_for

    with _database().write() as session:
        token = create_token_for(session, user_name=account, name=name)
    echo(f"created token {token.info.id} {field(token.info.name)!r} for {account!r}", err=True)
    echo("store it now: it is not shown again", err=True)
    echo(token.secret)


@tokens_app.command("list")
def tokens_list(
    account: Annotated[str, typer.Argument(help="The account whose tokens to list.")],
) -> None:
    """Print ACCOUNT's tokens, newest first: id, name, prefix, created, last used, state."""
    from workbench.services.tokens import tokens_of_account

    with _database().read() as session:
        found = tokens_of_account(session, user_name=account)
    for token in found:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
        echo(
            f"{token.id}\t{field(token.name)}\t{token.prefix}...\t"
            f"{token.created_at:%Y-%m-%d %H:%M}\t{used}\t{state}"
        )
    echo(f"{len(found)} token(s)", err=True)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (from `tokens list`).")],
) -> None:
    """Revoke a token: every request with it is refused from now on."""
    from workbench.services.tokens import revoke_any_token

    with _database().write() as session:
        token, owner = revoke_any_token(session, token_id=token_id)
    echo(f"revoked token {token.id} {field(token.name)!r} of {owner!r}")


@app.command()
def assign(
    articles: Annotated[list[str], typer.Argument(help="Article ids.")],
    to: Annotated[
        list[str], typer.Option("--to", help="Account name; repeat or separate with commas.")
    ],
) -> None:
    """Put articles in reviewers' queues."""
    from workbench.services.assignments import assign_articles

    names = [name for value in to for name in value.split(",")]
    with _database().write() as session:
        report = assign_articles(session, article_ids=articles, user_names=names)
    for article, user in report.added:
        echo(f"assigned {article} to {user}")
    echo(f"{len(report.added)} assignment(s) added, {len(report.already)} already present")


@app.command()
def agreement(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    article: Annotated[str | None, typer.Option("--article", help="One article id.")] = None,
) -> None:
    """Inter-annotator agreement: alpha with interval, Fleiss, pairwise Cohen, splits."""
    import orjson

    from workbench.domain.agreement_text import format_report
    from workbench.services.agreement import compute_agreement

    with _database().read() as session:
        result = compute_agreement(session, article_id=article)
    if as_json:
        echo(orjson.dumps(result.report, option=orjson.OPT_INDENT_2).decode())
    else:
        echo(format_report(result.report, result.reviewers))


@app.command("import-labels")
def import_labels(
    file: Annotated[
        str, typer.Argument(help="JSON Lines file of reviewer labels ('-' reads standard input).")
    ],
    editor: Annotated[
        str | None,
        typer.Option(
            "--editor",
            help="Editor account that stores the gold labels of adjudicated claims.jsonl "
            "records in the file (their label, rationale and evidence).",
        ),
    ] = None,
) -> None:
    """Load reviewer labels (one JSON object a line), all or nothing.

    Labels saved before their evidence are stored as incomplete, one warning line each.
    """
    from pathlib import Path

    from workbench.services.importer import ImportRejectedError
    from workbench.services.importer import import_labels as run_import

    try:
        report = run_import(
            _database(), path=Path("/dev/stdin" if file == "-" else file), editor=editor
        )
    except ImportRejectedError as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        fail(str(exc))
    for warning in report.warnings:
        echo(warning, err=True)
    created = report.created_reviewers
    gold = f"; {report.gold} gold label(s)" if report.gold else ""
    echo(
        f"imported {report.labels} label(s){gold}; created {len(created)} reviewer account(s)"
        + (f": {', '.join(created)}" if created else "")
    )


@app.command()
def export(
    out: Annotated[str, typer.Option("--out", help="Folder to write (replaced atomically).")],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl, fever, claimreview, csv, parquet, pairs, checkthat or averitec.",
        ),
    ] = "jsonl",
    policy: Annotated[
        str, typer.Option("--policy", help="unanimous, majority or adjudicated.")
    ] = "unanimous",
    min_reviewers: Annotated[
        int, typer.Option("--min-reviewers", help="Labels a sentence needs for a gold label.")
    ] = 2,
    anonymize: Annotated[
        bool, typer.Option("--anonymize", help="Replace reviewer names by stable pseudonyms.")
    ] = False,
    article: Annotated[
        list[str] | None, typer.Option("--article", help="Only this article (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Articles published on or after DATE.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Articles published on or before DATE.")
    ] = None,
    jobs: Annotated[
        str | None,
        # Kept only to say that it is gone, instead of click's "no such option".
        typer.Option("--jobs", hidden=True),
    ] = None,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            help="CSV: write cells starting with = + - @ as they are (no ' guard against "
            "spreadsheet formulas).",
        ),
    ] = False,
    require_evidence: Annotated[
        bool,
        typer.Option(
            "--require-evidence",
            help="Leave out gold labels still lacking the evidence their verdict asks for "
            "(incomplete: verified without a supports item, disputed without a refutes item).",
        ),
    ] = False,
    evidence_before_claim: Annotated[
        bool,
        typer.Option(
            "--evidence-before-claim",
            help="Leave out evidence items published after their article (they may report a "
            "later fact-check); items or articles without a date are kept. Without it such "
            'items are exported with "after_article": true.',
        ),
    ] = False,
    org_name: Annotated[
        str,
        typer.Option(
            "--org-name",
            help="ClaimReview: the fact-checking organisation publishing the reviews "
            "(else $WORKBENCH_CLAIMREVIEW_ORG_NAME; required).",
        ),
    ] = "",
    org_url: Annotated[
        str,
        typer.Option(
            "--org-url",
            help="ClaimReview: the organisation's web site (else $WORKBENCH_CLAIMREVIEW_ORG_URL).",
        ),
    ] = "",
    review_url: Annotated[
        str,
        typer.Option(
            "--review-url",
            help="ClaimReview: each review's URL with {article} and {index}, e.g. "
            "https://factcheck.example/reviews/{article}-{index} "
            "(else $WORKBENCH_CLAIMREVIEW_REVIEW_URL; required).",
        ),
    ] = "",
    rating: Annotated[
        list[str] | None,
        typer.Option(
            "--rating",
            help="ClaimReview: VERDICT=TEXT, the rating shown for a verdict (repeatable; "
            "defaults verified=True, disputed=False, unsourced=Unproven).",
        ),
    ] = None,
) -> None:
    """Write a gold-standard dataset folder (data files, manifest.json, README.md)."""
    from pathlib import Path

    from tqdm import tqdm

    from workbench.services.export import ExportOptions, export_dataset

    if jobs is not None:
        fail("--jobs was removed: exports run in one process")
    options = ExportOptions(
        format=format_,
        policy=policy,
        min_reviewers=min_reviewers,
        anonymize=anonymize,
        article_ids=tuple(article or ()),
        since=since,
        until=until,
        raw_csv=raw_csv,
        require_evidence=require_evidence,
        evidence_before_claim=evidence_before_claim,
        org_name=org_name,
        org_url=org_url,
        review_url=review_url,
        ratings=tuple(rating or ()),
    )
    with tqdm(unit=" labels", file=sys.stderr, disable=None, mininterval=0.5) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = export_dataset(_database(), out=Path(out), options=options, progress=progress)
    counts = result.manifest["counts"]
    echo(
        f"exported {counts['claims']} claim(s), {counts['annotations']} label(s), "
        f"{counts['articles']} article(s) to {result.folder}"
    )
    if counts["incomplete_claims_left_out"]:
        echo(f"left out {counts['incomplete_claims_left_out']} incomplete gold label(s)")


def _edited(verb: str, report: EditReport) -> None:
    """Print what a merge or split did, then recompute the article's claim links."""
    from workbench.services.sentence_edits import relink_article

    counts = [f"{report.kept} label(s) kept", f"{report.moved} moved"]
    counts.append(f"{report.removed} moved to the audit trail")
    counts.append(f"{report.renumbered} later sentence(s) renumbered")
    if report.references:
        counts.append(f"{report.references} evidence citation(s) updated")
    echo(f"{verb} {field(report.ref)}: {', '.join(counts)}")
    relink_article(_database(), article_id=report.article_id)


@sentences_app.command("merge")
def sentences_merge(article: str, index: int) -> None:
    """Merge sentence INDEX (0-based) of ARTICLE with the next one."""
    from workbench.services.sentence_edits import merge_sentences

    with _database().write() as session:
        report = merge_sentences(session, actor_id=None, article_id=article, index=index)
    _edited("merged", report)


@sentences_app.command("split")
def sentences_split(
    article: str,
    index: int,
    at: Annotated[
        int, typer.Option("--at", help="Character (0-based, in the sentence) starting part two.")
    ],
    keep_labels: Annotated[
        str,
        typer.Option(
            "--keep-labels",
            help="none (labels go to the audit trail), first or second part.",
        ),
    ] = "none",
) -> None:
    """Split sentence INDEX (0-based) of ARTICLE before character --at."""
    from workbench.services.sentence_edits import split_sentence

    with _database().write() as session:
        report = split_sentence(
            session, actor_id=None, article_id=article, index=index, at=at, keep=keep_labels
        )
    _edited("split", report)


@sentences_app.command("boilerplate")
def sentences_boilerplate(
    article: str,
    index: int,
    off: Annotated[bool, typer.Option("--off", help="Clear the flag instead.")] = False,
) -> None:
    """Mark sentence INDEX (0-based) of ARTICLE as boilerplate: not to be labeled."""
    from workbench.services.sentence_edits import mark_boilerplate

    with _database().write() as session:
        report = mark_boilerplate(
            session, actor_id=None, article_id=article, index=index, on=not off
        )
    flag = "not boilerplate" if off else "boilerplate"
    if not report.changed:
        echo(f"{field(report.ref)} is already {flag}; nothing changed")
        return
    echo(f"{field(report.ref)} is now {flag}")
    if off:
        from workbench.services.sentence_edits import relink_article

        relink_article(_database(), article_id=article)


@app.command()
def links(
    as_json: Annotated[bool, typer.Option("--json", help="Print the links as JSON.")] = False,
) -> None:
    """Cross-article claim links: sentences of different articles reporting the same claim."""
    import orjson

    from workbench.services.related_claims import links_listing

    with _database().read() as session:
        listing = links_listing(session)
    if as_json:
        echo(orjson.dumps(listing, option=orjson.OPT_INDENT_2).decode())
        return
    for link in listing:
        flag = f"  CONFLICT: {field(link['reason'])}" if link["conflict"] else ""
        ids = f"{field(link['a'])} <-> {field(link['b'])}"
        score = "" if link.get("score") is None else f"  score {link['score']:.2f}"
        echo(f"{ids}  similarity {link['similarity']:.2f}{score}{flag}")
        echo(f"    {field(link['a_text'])}\n    {field(link['b_text'])}")
    echo(f"{len(listing)} link(s)")


@app.command()
def relink() -> None:
    """Score and link every article whose claim links were never computed (safe to repeat)."""
    from workbench.services.linking import relink as relink_articles

    report = relink_articles(_database())
    echo(
        f"{report.articles} article(s) scored and linked "
        f"({report.sentences} sentence(s)), {report.links} link(s) added"
    )


@app.command()
def retrain() -> None:
    """Train the check-worthiness model on the gold labels and rescore every sentence."""
    from workbench.services.scorer_training import retrain_scorer

    report = retrain_scorer(_database(), actor_id=None)
    metrics = report.metrics
    echo(
        f"trained on {report.trained_on} labeled sentence(s) "
        f"({metrics['claims']} claims, {metrics['not_a_claim']} not_a_claim); "
        f"cross-validated F1 {metrics['cv_f1']}, accuracy {metrics['cv_accuracy']}; "
        f"rescored {report.rescored} sentence(s)"
    )


@app.command("retrain-links")
def retrain_links() -> None:
    """Train the link model on reviewers' link decisions; it re-scores, filters and ranks links."""
    from workbench.services.link_model import retrain_links as train

    report = train(_database(), actor_id=None)
    metrics = report.metrics
    echo(
        f"trained on {report.trained_on} decided pair(s) ({metrics['same_claim']} same claim, "
        f"{metrics['not_same_claim']} not the same claim) from {report.decisions} "
        f"decision(s); cross-validated F1 {metrics['cv_f1']}, precision "
        f"{metrics['cv_precision']}, recall {metrics['cv_recall']}; links are kept at "
        f"probability {metrics['accept_probability']} or more and ranked by it"
    )
    echo(report.rescore.describe())


# Passed on every start, so they hold wherever the server starts (.streamlit/config.toml is
# read from the current folder only): no "Deploy" button or developer menu for anyone.
SERVER_OPTIONS = ["--client.toolbarMode", "minimal", "--server.headless", "true"]


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    address: Annotated[
        str,
        typer.Option(
            "--address", help="Address to listen on; 0.0.0.0 lets other machines reach it."
        ),
    ] = "localhost",
) -> None:
    """Start the Streamlit app (this process becomes the server)."""
    from pathlib import Path

    import workbench

    # Not workbench/ui/app.py itself: see workbench/streamlit_app.py for why.
    entry = Path(workbench.__file__).parent / "streamlit_app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry)]
    command += ["--server.port", str(port), "--server.address", address]
    command += SERVER_OPTIONS
    env = dict(os.environ)
    if State.db_url:
        env[DATABASE_URL_ENV] = State.db_url
    # Replacing this process, rather than waiting on a child, lets a supervisor's SIGTERM
    # reach the server itself instead of orphaning it.
    os.execve(sys.executable, command, env)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":  # python -m workbench.cli
    main()
