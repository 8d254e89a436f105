"""Backups: a consistent database snapshot, the media files and a manifest of SHA-256 checksums.

SQLite is copied with its online backup API (readers and writers carry on meanwhile); PostgreSQL
with pg_dump's custom format (one snapshot transaction). Media is read and written through the
storage API, so a bucket backs up like a folder. restore() checks every checksum before it
writes anything, and writes only into an empty database.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from . import page_invalidation

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Summary:
    database_file: str
    media_files: int
    media_bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _engine(connection) -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _pg_env_and_args(connection) -> tuple[dict, list[str]]:
    params = connection.settings_dict
    env = os.environ.copy()
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]  # in the child's environment, never on its command line
    args = ["--dbname", params["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    return env, args


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found: on PostgreSQL, backups need the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client, same major version as the server)."
        )
    return path


def _storage_files(directory: str = ""):
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a site without uploads yet may have no media folder at all
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from _storage_files(f"{directory}/{folder}" if directory else folder)


def backup(target: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or empty folder, so no backup is overwritten.")
    target.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    engine = _engine(connection)
    if engine == "sqlite":
        database_file = SQLITE_FILE
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_FILE)
        try:
            connection.connection.backup(destination)  # online backup API: a consistent copy
        finally:
            destination.close()
    elif engine == "postgresql":
        database_file = PG_FILE
        env, args = _pg_env_and_args(connection)
        command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target / PG_FILE), *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    media = {}
    media_bytes = 0
    for name in _storage_files():
        destination = target / MEDIA_DIR / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        media[name] = _sha256(destination)
        media_bytes += destination.stat().st_size

    manifest = {
        "format": 1,
        "created": timezone.now().isoformat(),
        "engine": engine,
        "database": {"file": database_file, "sha256": _sha256(target / database_file)},
        "media": media,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return Summary(database_file, len(media), media_bytes)


def read_manifest(source: Path) -> dict:
    """The manifest, once every file it lists is present with its checksum; else BackupError naming the file."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        message = f"{source / MANIFEST} is missing: {source} is not a backup made by manage.py backup."
        raise BackupError(message) from None
    except ValueError as error:
        raise BackupError(f"{source / MANIFEST} is not valid JSON ({error}).") from None
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected |= {f"{MEDIA_DIR}/{name}": digest for name, digest in manifest["media"].items()}
    for relative, digest in expected.items():
        path = source / relative
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup.")
        if _sha256(path) != digest:
            raise BackupError(f"{path} does not match its checksum in the manifest: the backup is damaged.")
    return manifest


def _database_is_empty(using: str) -> bool:
    from articles.models import Article

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if Article._meta.db_table not in tables:
        return True
    return not Article.objects.using(using).exists() and not get_user_model().objects.using(using).exists()


def restore(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[using]
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(f"This backup is of a {manifest['engine']} database; the site uses {engine}.")
    if not _database_is_empty(using):
        raise BackupError(
            "The database already holds articles or accounts: restore only into an empty database "
            "(a new one, migrated or not), so nothing is overwritten."
        )
    database_file = source / manifest["database"]["file"]
    if engine == "sqlite":
        connection.ensure_connection()
        snapshot = sqlite3.connect(database_file)
        try:
            snapshot.backup(connection.connection)  # replaces every page of the live database
        finally:
            snapshot.close()
    else:
        connection.close()
        env, args = _pg_env_and_args(connection)
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args]
        result = subprocess.run([*command, str(database_file)], env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")

    media_bytes = 0
    for name, digest in manifest["media"].items():
        path = source / MEDIA_DIR / name
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as stream:
            saved = default_storage.save(name, File(stream, name=name))
        if saved != name:
            raise BackupError(f"Media file {name} was stored as {saved}: the storage renamed it.")
        with default_storage.open(name, "rb") as stored:
            check = hashlib.sha256()
            while block := stored.read(CHUNK):
                check.update(block)
        if check.hexdigest() != digest:
            raise BackupError(f"Media file {name} does not match its checksum after restoring it.")
        media_bytes += path.stat().st_size
    # Replacing the database sends no signal: pages and counts stored from the empty site must go, everywhere
    # (forgetting the site's version, which every stored page and count holds; not a flush of a shared Redis).
    page_invalidation.invalidate(site=True)
    return Summary(manifest["database"]["file"], len(manifest["media"]), media_bytes)
