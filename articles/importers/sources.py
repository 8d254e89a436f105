"""Find the files an import reads: single files, directories (recursively) and .zip archives."""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .records import SourceError

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".xml", ".html", ".htm"}
# What a folder is searched for, as the messages list it.
LOOKED_FOR = ".txt, .text, .md, .markdown, .xml, .html, .htm, .zip"


class NothingToImport(Exception):
    """Folders or archives named on the command line that hold no importable file."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        super().__init__(f"No importable files found in {', '.join(map(str, paths))} (looked for {LOOKED_FOR})")


@dataclass
class SourceFile:
    """One file to import.

    `key_path` is relative to what was named on the command line (relative links between
    Markdown files resolve against it); `root` is that name resolved (a file's folder), so
    `identity` is the same whichever path reached the file. `named` is true for a file
    named on the command line itself, rather than found in a folder or archive.
    """

    key_path: str
    location: str
    size: int
    open: Callable[[], BinaryIO]
    root: Path
    named: bool = False

    @property
    def identity(self) -> str:
        return f"{self.root.as_posix().rstrip('/')}/{self.key_path}"

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.key_path).suffix.lower()

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read()


def _hidden(parts) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def iter_sources(paths: list[Path]) -> Iterator[SourceFile | SourceError]:
    """Yield every importable file under `paths`, in a stable order; errors for unreadable ones.

    Inside directories and archives only supported extensions are taken (a folder of
    exports often holds images too); a file named on the command line is always tried.
    """
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not _hidden(relative.parts):
                    if child.suffix.lower() == ".zip":
                        yield from _zip_members(child, prefix=relative.as_posix() + "/", root=root)
                    elif child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield _file(child, relative.as_posix(), root)
        elif path.suffix.lower() == ".zip":
            yield from _zip_members(path, prefix="", root=path.resolve())  # the archive is the folder
        else:
            # The folder resolved, not the file: a symlinked file keeps its own name, as in a folder walk.
            yield _file(path, path.name, path.parent.resolve(), named=True)


def find_sources(paths: list[Path]) -> list[SourceFile | SourceError]:
    """Every file iter_sources finds; NothingToImport when a folder or archive among `paths` holds none."""
    found, empty = [], []
    for path in paths:
        before = len(found)
        found.extend(iter_sources([path]))
        if len(found) == before:
            empty.append(path)
    if empty:
        raise NothingToImport(empty)
    return found


def _file(path: Path, key_path: str, root: Path, *, named: bool = False) -> SourceFile | SourceError:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return SourceError(str(path), f"cannot be read ({exc.strerror})")
    return SourceFile(
        key_path=key_path, location=str(path), size=size, open=lambda: path.open("rb"), root=root, named=named
    )


def _zip_members(path: Path, *, prefix: str, root: Path) -> Iterator[SourceFile | SourceError]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        yield SourceError(str(path), f"is not a readable .zip archive ({exc})")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            member = PurePosixPath(info.filename)
            if info.is_dir() or _hidden(member.parts) or member.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            yield SourceFile(
                key_path=prefix + info.filename,
                location=f"{path}:{info.filename}",
                size=info.file_size,
                open=lambda info=info: _open_member(path, info),
                root=root,
            )


def _open_member(path: Path, info: zipfile.ZipInfo) -> BinaryIO:
    # The member stream keeps the archive open until the caller closes the stream.
    return zipfile.ZipFile(path).open(info)
