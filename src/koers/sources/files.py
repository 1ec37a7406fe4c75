"""The drop-folder connector: export files that a source system or a person puts in a folder.

A file is known by the SHA-256 of its content, so a renamed copy is not loaded twice and a
changed file with the same name is loaded as the new delivery it is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from koers.config import Project, SourceConfig
from koers.errors import ConfigError


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size_bytes: int


def file_sha256(path: Path, chunk_bytes: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def list_files(project: Project, source: SourceConfig) -> list[SourceFile]:
    """The files in the source's folder that match its pattern, oldest name first."""
    if source.path is None:
        raise ConfigError(f"{project.file}: bron '{source.name}': sleutel 'path' ontbreekt")
    folder = project.resolve(source.path)
    if not folder.is_dir():
        raise ConfigError(
            f"{project.file}: bron '{source.name}': map {folder} bestaat niet (sleutel 'path')"
        )
    return [
        SourceFile(path, file_sha256(path), path.stat().st_size)
        for path in sorted(folder.glob(source.pattern))
        if path.is_file()
    ]
