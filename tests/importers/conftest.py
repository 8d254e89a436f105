from io import StringIO

import pytest
from django.core.management import CommandError, call_command


class ImportRun:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def run_import(db):
    """Run `manage.py import_articles` and return its exit code and output."""

    def run(*args) -> ImportRun:
        out, err = StringIO(), StringIO()
        try:
            call_command("import_articles", *[str(arg) for arg in args], stdout=out, stderr=err)
        except CommandError as error:
            err.write(f"{error}\n")
            return ImportRun(error.returncode, out.getvalue(), err.getvalue())
        return ImportRun(0, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def write(tmp_path):
    """Write a file under a fresh folder and return its path."""

    def write_file(name: str, content: str | bytes) -> object:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write_file
