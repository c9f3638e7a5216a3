"""Opening a store checks its schema version without Alembic when it is up to date (most
opens), and still migrates, or refuses, when it is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from wildtrace.errors import StoreError
from wildtrace.store import open_store
from wildtrace.store.engine import MIGRATIONS, alembic_config, head_revision


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    assert len(list((MIGRATIONS / "versions").glob("*.py"))) == len(list(scripts.walk_revisions()))


def test_an_up_to_date_store_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with open_store(url):
        pass  # created and migrated
    probe = ("import sys; from wildtrace.store import open_store\n"
             f"with open_store({url!r}) as store: store.summary()\n"
             "print('alembic' in sys.modules)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_store_behind_is_migrated_and_one_ahead_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # a store made before the newest migration
        command.upgrade(alembic_config(connection), "0004")
    with open_store(url):
        pass
    with engine.begin() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer WildTrace"), open_store(url):
        pass
    engine.dispose()
