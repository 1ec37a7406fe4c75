"""The project file ``koers.toml``: one per collaboration of municipalities."""

from koers.config.project import (
    PROJECT_FILE,
    CsvDialect,
    EngineConfig,
    GemeenteConfig,
    Project,
    SourceConfig,
    find_project_dir,
    load_project,
)

__all__ = [
    "PROJECT_FILE",
    "CsvDialect",
    "EngineConfig",
    "GemeenteConfig",
    "Project",
    "SourceConfig",
    "find_project_dir",
    "load_project",
]
