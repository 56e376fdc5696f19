"""The ``workbench`` command line: each command hands off to one service call."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from workbench import __version__
from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.errors import WorkbenchError


class _ReportingGroup(TyperGroup):
    """Turns a WorkbenchError raised by any command into one line and exit status 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=_ReportingGroup,
    help="Fact-check workbench: claim-level annotation with evidence and gold exports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")

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
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def main_options(
    db: DbOption = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """Options that apply to every command."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()
    State.db_url = db


@app.command()
def init() -> None:
    """Create the database or upgrade it to the newest schema."""
    from workbench.db.migrate import upgrade

    database = _database()
    upgrade(database.engine)
    typer.echo(f"database ready: {database.engine.url.render_as_string(hide_password=True)}")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
) -> None:
    """Load articles (.txt, .md, .html, .jsonl, .csv, folders, URLs)."""
    from workbench.services.ingest import ingest_paths

    report = ingest_paths(_database(), sources)
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    typer.echo(
        f"{len(report.added)} article(s) added, {len(report.duplicates)} already present, "
        f"{len(report.errors)} error(s)"
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
        typer.echo(f"created {user.role} {user.name!r}")


@users_app.command("list")
def users_list() -> None:
    """Print accounts and roles."""
    from workbench.db.queries import list_users

    with _database().read() as session:
        for user in list_users(session):
            state = "active" if user.active else "inactive"
            typer.echo(f"{user.name}\t{user.role}\t{state}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option("--address")] = "localhost",
) -> None:
    """Start the Streamlit app."""
    import subprocess
    from pathlib import Path

    import workbench.ui

    entry = Path(workbench.ui.__file__).parent / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry)]
    command += ["--server.port", str(port), "--server.address", address]
    env = dict(os.environ)
    if State.db_url:
        env[DATABASE_URL_ENV] = State.db_url
    raise typer.Exit(subprocess.call(command, env=env))


def main() -> None:
    """Console entry point."""
    app()
