"""The project file ``koers.toml``: one per collaboration of municipalities."""

from koers.config.project import (
    PROJECT_FILE,
    CbsOptions,
    CsvDialect,
    EngineConfig,
    FileFormat,
    GemeenteConfig,
    HttpOptions,
    PrivacyConfig,
    Project,
    SourceConfig,
    SqlOptions,
    XlsxOptions,
    find_project_dir,
    load_project,
)

__all__ = [
    "PROJECT_FILE",
    "CbsOptions",
    "CsvDialect",
    "EngineConfig",
    "FileFormat",
    "GemeenteConfig",
    "HttpOptions",
    "PrivacyConfig",
    "Project",
    "SourceConfig",
    "SqlOptions",
    "XlsxOptions",
    "find_project_dir",
    "load_project",
]
