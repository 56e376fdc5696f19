"""A new SQLite database file (and its WAL files) is readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from workbench.db.engine import make_engine
from workbench.db.migrate import upgrade


def test_a_new_database_file_is_private(tmp_path: Path) -> None:
    """Created 0600 whatever the umask lets through; -wal and -shm follow the file."""
    path = tmp_path / "workbench.db"
    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        with engine.connect() as conn:  # the WAL files exist while a connection is open
            conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one()
            made = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in made}
        engine.dispose()
    finally:
        os.umask(old)
    assert path.name in modes and f"{path.name}-wal" in modes
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    """A file the operator made (say 0640 for a backup group) is left as it is."""
    path = tmp_path / "workbench.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
