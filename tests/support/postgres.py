"""Pytest plugin: a real, throwaway PostgreSQL server for the test session.

Koers talks to PostgreSQL for real, so its tests do too: a mock or SQLite
would hide dialect, locking and transaction behaviour. Every session gets its
own cluster in a temp dir on a free loopback port, so tests never touch (or
depend on) a system cluster and can run side by side on one machine.

Load with ``pytest_plugins = ["tests.support.postgres"]`` or
``-p tests.support.postgres``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

# The command a developer (or CI) runs to get PostgreSQL installed; named in
# every failure so a missing server is never silently "skipped".
README_TEST_COMMAND = "bash scripts/test.sh"

ROLE = "koers"
DATABASE = "koers"
# Bootstrap superuser; fixed so the name does not depend on who runs initdb.
SUPERUSER = "postgres"
# The system account that runs the server when the tests run as root.
SYSTEM_USER = "postgres"

_db_counter = itertools.count(1)


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster; the admin URL is kept apart so tests see only the koers role."""

    host: str
    port: int
    url: str
    admin_url: str
    data_dir: Path
    startup_seconds: float


def pytest_configure(config: pytest.Config) -> None:
    """Registers the marker here too, so the plugin works under --strict-markers on its own."""
    config.addinivalue_line("markers", "postgres: needs the real throwaway PostgreSQL server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Auto-marks PostgreSQL tests, so ``-m 'not postgres'`` holds even if a mark is missing."""
    for item in items:
        names: Sequence[str] = getattr(item, "fixturenames", ())
        if "postgres_url" in names or "postgres_db_url" in names:
            item.add_marker(pytest.mark.postgres)


def _version_key(bindir: Path) -> tuple[int, ...]:
    """Sorts /usr/lib/postgresql/<major>/bin numerically, so 16 beats 9.6."""
    match = re.search(r"postgresql/(\d+(?:\.\d+)?)/bin", str(bindir))
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(1).split("."))


def find_pg_bindir() -> Path | None:
    """Finds the newest server binaries; Debian keeps them off PATH, so PATH alone is not enough."""
    override = os.environ.get("KOERS_PG_BINDIR")
    if override:
        return Path(override) if (Path(override) / "initdb").is_file() else None
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()]
    if candidates:
        return max(candidates, key=_version_key)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and (Path(out) / "initdb").is_file():
            return Path(out)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port(host: str) -> int:
    """Asks the kernel for an unused port; the server binds it moments later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _clean_env() -> dict[str, str]:
    """Drops PG* variables, which would otherwise redirect pg_ctl/psycopg to some other server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


class _Runner:
    """Runs server commands as a user PostgreSQL accepts: it refuses to run as root."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.as_root = os.geteuid() == 0
        self.env = _clean_env()

    def prefix(self) -> list[str]:
        if not self.as_root:
            return []
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", SYSTEM_USER, "--"]

    def run(self, args: Sequence[str], log: Path, timeout: float = 60) -> None:
        """Logs to a file, not a pipe: the daemonised postmaster could hold a pipe open forever."""
        with log.open("ab") as out:
            proc = subprocess.run(
                [*self.prefix(), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,  # the repo dir may be unreadable for the postgres user
                env=self.env,
                timeout=timeout,
                check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _make_workdir(as_root: bool) -> Path:
    """Puts the temp dir where the postgres user can reach it.

    Also keeps the unix socket path under its 107-byte limit.
    """
    base = tempfile.gettempdir()
    if as_root or len(base) > 60:
        # pytest's own tmp dirs and root's TMPDIR are 0700: the postgres user could not enter them.
        base = "/tmp"
    workdir = Path(tempfile.mkdtemp(prefix="koers-pg-", dir=base))
    if as_root:
        shutil.chown(workdir, user=SYSTEM_USER, group=SYSTEM_USER)
    return workdir


def _start_server(bindir: Path, workdir: Path, runner: _Runner, host: str) -> tuple[int, Path]:
    """initdb + pg_ctl start; settings trade durability for speed, as the data is thrown away."""
    data = workdir / "data"
    sockdir = workdir / "sock"
    log = workdir / "setup.log"
    runner.run(["mkdir", "-p", str(sockdir)], log)
    runner.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ],
        log,
    )
    # trust for local + host 127.0.0.1 comes from --auth=trust; only loopback is ever listened on.
    settings = {
        "listen_addresses": f"'{host}'",
        "unix_socket_directories": f"'{sockdir}'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "100",
        "shared_buffers": "32MB",
        "timezone": "'UTC'",
        "log_min_messages": "warning",
    }
    conf_lines = "".join(f"{k} = {v}\n" for k, v in settings.items())
    # Appending as root is fine: the file stays owned by the postgres user, and readable to it.
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n# koers test fixture\n" + conf_lines)

    last_error: RuntimeError | None = None
    for _attempt in range(3):  # another process may grab the free port before the server binds it
        port = _free_port(host)
        try:
            runner.run(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(workdir / "server.log"),
                    "-o",
                    f"-p {port}",
                    "-w",
                    "-t",
                    "30",
                    "start",
                ],
                log,
            )
            return port, data
        except RuntimeError as exc:
            last_error = exc
    raise RuntimeError(f"PostgreSQL did not start: {last_error}")


def _stop_server(bindir: Path, data: Path, runner: _Runner, log: Path) -> None:
    try:
        runner.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], log)
    except (RuntimeError, subprocess.TimeoutExpired):
        runner.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], log)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One cluster per session (per xdist worker): initdb costs ~1 s, too much to pay per test."""
    bindir = find_pg_bindir()
    if bindir is None:
        where = (
            f"KOERS_PG_BINDIR={os.environ['KOERS_PG_BINDIR']}"
            if os.environ.get("KOERS_PG_BINDIR")
            else "/usr/lib/postgresql/*/bin, via pg_config or on PATH"
        )
        pytest.fail(
            f"PostgreSQL server binaries (initdb, pg_ctl) were not found in {where}. "
            f"Run the tests with `{README_TEST_COMMAND}`, which installs the Debian "
            "'postgresql' package, or `apt-get install -y postgresql`.",
            pytrace=False,
        )
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            pytest.fail(
                f"Running as root but there is no '{SYSTEM_USER}' system user to run PostgreSQL as "
                f"(it refuses to run as root). Run `{README_TEST_COMMAND}`, which installs the "
                "Debian 'postgresql' package that creates it.",
                pytrace=False,
            )

    host = "127.0.0.1"
    workdir = _make_workdir(as_root)
    runner = _Runner(workdir)
    started = time.monotonic()
    data: Path | None = None
    try:
        try:
            port, data = _start_server(bindir, workdir, runner, host)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            pytest.fail(
                f"Could not start the throwaway PostgreSQL from {bindir}: {exc}\n"
                f"--- setup.log ---\n{_tail(workdir / 'setup.log')}\n"
                f"--- server.log ---\n{_tail(workdir / 'server.log')}",
                pytrace=False,
            )
        admin_url = f"postgresql://{SUPERUSER}@{host}:{port}/postgres"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(ROLE)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(ROLE)
                )
            )
        server = PostgresServer(
            host=host,
            port=port,
            url=f"postgresql://{ROLE}@{host}:{port}/{DATABASE}",
            admin_url=admin_url,
            data_dir=data,
            startup_seconds=time.monotonic() - started,
        )
        yield server
    finally:
        try:
            if data is not None:
                _stop_server(bindir, data, runner, workdir / "setup.log")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL of the session's ``koers`` database as the ``koers`` role (CREATEDB, not superuser)."""
    return postgres_server.url


@pytest.fixture()
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database per test, so tests cannot see each other's tables or rows.

    Create/drop run as the bootstrap superuser, so a test that leaves connections
    open (or revokes things) still gets its database dropped.
    """
    name = f"koers_t{next(_db_counter)}"
    ident = sql.Identifier(name)
    with psycopg.connect(postgres_server.admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(ident, sql.Identifier(ROLE)))
    try:
        yield f"postgresql://{ROLE}@{postgres_server.host}:{postgres_server.port}/{name}"
    finally:
        with psycopg.connect(
            postgres_server.admin_url, autocommit=True, connect_timeout=10
        ) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
