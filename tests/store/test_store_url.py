"""Finding the database: flag, then WILDTRACE_DB, then a file in WILDTRACE_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from wildtrace.errors import ConfigError, StoreError
from wildtrace.store import open_store, resolve_db_url


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WILDTRACE_DB", raising=False)
    monkeypatch.delenv("WILDTRACE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))


def test_flag_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WILDTRACE_DB", "sqlite:////env/env.db")
    assert resolve_db_url("sqlite:////flag/flag.db") == "sqlite:////flag/flag.db"


def test_environment_wins_over_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WILDTRACE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WILDTRACE_DB", "postgresql+psycopg://analyst@db.example/cases")
    assert resolve_db_url(None) == "postgresql+psycopg://analyst@db.example/cases"
    assert resolve_db_url("") == "postgresql+psycopg://analyst@db.example/cases"


def test_home_default_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "wt-home"
    monkeypatch.setenv("WILDTRACE_HOME", str(home))
    assert resolve_db_url(None) == f"sqlite:///{home}/wildtrace.db"
    assert home.is_dir()


def test_home_defaults_to_dot_wildtrace(tmp_path: Path) -> None:
    home = tmp_path / "user" / ".wildtrace"
    assert resolve_db_url(None) == f"sqlite:///{home}/wildtrace.db"
    assert home.is_dir()


def test_bare_path_becomes_a_sqlite_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url("cases/op-tusk.db") == f"sqlite:///{tmp_path}/cases/op-tusk.db"
    assert resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path}/a.db"
    monkeypatch.setenv("WILDTRACE_DB", "env.db")
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/env.db"


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unsupported_database_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="mysql"):
        resolve_db_url("mysql://u@h/db")


def test_open_store_creates_the_folder_of_a_bare_path(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "store.db"
    with open_store(str(path)):
        pass
    assert path.is_file()


def test_unopenable_database_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="folder"):
        open_store(str(blocker / "store.db"))
    not_sqlite = tmp_path / "garbage.db"
    not_sqlite.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"garbage\.db"):
        open_store(str(not_sqlite))
