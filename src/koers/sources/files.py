"""The drop-folder connector: export files that a source system or a person puts in a folder.

A file is known by the SHA-256 of its content, so a renamed copy is not loaded twice and a
changed file with the same name is loaded as the new delivery it is.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from koers.config import Project, SourceConfig
from koers.errors import ConfigError


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size_bytes: int
    mtime_ns: int = 0


#: What identifies an unchanged file without reading it: name, size, modification time.
FileStamp = tuple[str, int, int]
#: Files changed this recently are hashed again next time, whatever their stamp says: a file
#: rewritten within the file system's timestamp granularity could keep its stamp (the
#: "racily clean" case git knows too).
SETTLED_NS = 2_000_000_000


def file_sha256(path: Path, chunk_bytes: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def list_files(
    project: Project, source: SourceConfig, known: Mapping[FileStamp, str] | None = None
) -> list[SourceFile]:
    """The files in the source's folder that match its pattern, oldest name first.

    ``known`` maps stamps of files hashed before to their hash, so a folder of large exports
    is not read in full on every run; anything with a new stamp is hashed."""
    if source.path is None:
        raise ConfigError(f"{project.file}: bron '{source.name}': sleutel 'path' ontbreekt")
    folder = project.resolve(source.path)
    if not folder.is_dir():
        raise ConfigError(
            f"{project.file}: bron '{source.name}': map {folder} bestaat niet (sleutel 'path')"
        )
    known = known or {}
    found = []
    for path in sorted(folder.glob(source.pattern)):
        if not path.is_file():
            continue
        stat = path.stat()
        stamp = (path.name, stat.st_size, stat.st_mtime_ns)
        sha = known.get(stamp) or file_sha256(path)
        found.append(SourceFile(path, sha, stat.st_size, stat.st_mtime_ns))
    return found


def settled(file: SourceFile) -> bool:
    """Whether the file's stamp can be trusted to change with its content."""
    return time.time_ns() - file.mtime_ns > SETTLED_NS
