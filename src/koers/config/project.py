"""Reading and validating ``koers.toml``.

Every command starts here: the project file says which municipalities take part, which
engine holds the warehouse, which packs are on and where each source's data comes from.
Secrets never live in the file; it names the environment variable that holds them.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from koers.errors import ConfigError
from koers.privacy.disclosure import CBS_WMO, DisclosureRule

PROJECT_FILE = "koers.toml"
GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


def _no_password_in_url(value: str) -> str:
    if re.match(r"^[a-z0-9+]+://[^/@:]+:[^/@]+@", value):
        raise ValueError(
            "een wachtwoord hoort niet in koers.toml; zet het in een omgevingsvariabele "
            "en noem die onder password_env"
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GemeenteConfig(_Strict):
    code: str
    naam: Annotated[str, Field(min_length=1)]

    @field_validator("code")
    @classmethod
    def _cbs_code(cls, value: str) -> str:
        if not GEMEENTE_CODE.match(value):
            raise ValueError(f"'{value}' is geen CBS-gemeentecode (verwacht GM en vier cijfers)")
        return value


def secret_from_env(key: str, env_name: str | None) -> str | None:
    """The secret in the environment variable that ``key`` in koers.toml names (None when no
    variable is named). Secrets never stand in koers.toml itself."""
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if value is None:
        raise ConfigError(
            f"{PROJECT_FILE}: {key} noemt omgevingsvariabele {env_name}, maar die is niet gezet"
        )
    return value


class EngineConfig(_Strict):
    """Where the warehouse lives. DuckDB: a file in the project; PostgreSQL: a server URL."""

    type: Literal["duckdb", "postgres"] = "duckdb"
    path: str = "warehouse/koers.duckdb"
    url: str | None = None
    password_env: str | None = None

    @field_validator("url")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        return _no_password_in_url(value) if value else value

    def password(self) -> str | None:
        return secret_from_env("engine.password_env", self.password_env)


class CsvDialect(_Strict):
    """How a CSV export is written. Anything left out is detected from the file itself."""

    delimiter: Literal[";", ",", "\t", "|"] | None = None
    quote: Literal['"', "'"] | None = None
    encoding: Literal["utf-8", "utf-8-sig", "latin-1", "windows-1252", "utf-16"] | None = None
    #: Decimal separator of numbers: ``,`` as Dutch Excel writes (1.234,5) or ``.``.
    decimal: Literal[",", "."] | None = None
    #: Thousands separator; ``""`` for none.
    thousands: Literal[".", ",", " ", ""] | None = None
    header: bool = True


class XlsxOptions(_Strict):
    """Which sheet of a workbook holds the data and on which row its header is."""

    sheet: str | None = None
    header_row: Annotated[int, Field(ge=1)] = 1


class HttpOptions(_Strict):
    """A JSON API: where the records are in each answer and how to get the next page."""

    url: str
    #: Dotted path to the list of records in the answer, e.g. ``data.items``; empty: the
    #: answer itself is the list.
    records: str = ""
    pagination: Literal["none", "page", "offset", "next_link"] = "none"
    page_param: str = "page"
    #: First page number for ``page`` pagination.
    first_page: int = 1
    offset_param: str = "offset"
    size_param: str = "limit"
    page_size: Annotated[int, Field(ge=1, le=100_000)] = 1000
    #: Dotted path to the next page's URL in the answer, for ``next_link``.
    next_field: str = "next"
    #: Name of the environment variable holding a bearer token (never the token itself).
    token_env: str | None = None
    #: Query parameter that asks for records changed since the last watermark.
    watermark_param: str | None = None
    #: Field in each record that grows with every change (e.g. ``gewijzigd_op``).
    watermark_field: str | None = None
    params: dict[str, str] = {}
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30
    retries: Annotated[int, Field(ge=0, le=10)] = 4
    backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0


class SqlOptions(_Strict):
    """Another database, read with one query; incremental when a watermark column is named."""

    #: SQLAlchemy URL without password, e.g. ``postgresql+psycopg://koers@db/zaken`` or
    #: ``sqlite:///export/zaken.sqlite`` (relative paths are relative to the project).
    url: str
    password_env: str | None = None
    #: Either a table name or a full SELECT.
    table: str | None = None
    query: str | None = None
    watermark_column: str | None = None
    batch_size: Annotated[int, Field(ge=1, le=1_000_000)] = 50_000

    @field_validator("url")
    @classmethod
    def _no_password(cls, value: str) -> str:
        return _no_password_in_url(value)


class CbsOptions(_Strict):
    """A CBS open-data table (OData JSON), e.g. ``https://opendata.cbs.nl/ODataApi/odata/
    03759ned/TypedDataSet``; ``filter`` is passed as ``$filter``."""

    url: str
    filter: str | None = None
    page_size: Annotated[int, Field(ge=1, le=10_000)] = 10_000
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 60
    retries: Annotated[int, Field(ge=0, le=10)] = 4
    backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0


FileFormat = Literal["auto", "csv", "tsv", "xlsx", "json", "ndjson", "parquet", "knmi"]


class SourceConfig(_Strict):
    """One place data comes from, read under a contract that a pack or the project declares."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    contract: str
    type: Literal["files", "http", "sql", "cbs"] = "files"
    gemeente: str | None = None
    #: Drop folder, for ``type = "files"``.
    path: str | None = None
    pattern: str = "*"
    format: FileFormat = "auto"
    csv: CsvDialect = CsvDialect()
    xlsx: XlsxOptions = XlsxOptions()
    http: HttpOptions | None = None
    sql: SqlOptions | None = None
    cbs: CbsOptions | None = None

    @model_validator(mode="after")
    def _options_match_type(self) -> SourceConfig:
        if self.type == "files" and not self.path:
            raise ValueError("een bron van type 'files' heeft een map nodig (sleutel 'path')")
        for kind in ("http", "sql", "cbs"):
            given = getattr(self, kind) is not None
            if self.type == kind and not given:
                raise ValueError(f"een bron van type '{kind}' heeft een tabel [{kind}] nodig")
            if self.type != kind and given:
                raise ValueError(f"[{kind}] hoort alleen bij een bron van type '{kind}'")
        if self.sql is not None and (self.sql.table is None) == (self.sql.query is None):
            raise ValueError("[sql]: geef precies een van 'table' of 'query'")
        return self


class DisclosureConfig(_Strict):
    """The small-count rule for public answers and council reports (ADR 0006); changing it
    is a privacy decision, so the defaults follow CBS practice for Wmo tables."""

    threshold: Annotated[int, Field(ge=1)] = CBS_WMO.threshold
    rounding: Annotated[int, Field(ge=1)] = CBS_WMO.rounding
    show_zero: bool = CBS_WMO.show_zero
    protection_width: Annotated[int, Field(ge=0)] = CBS_WMO.protection_width

    @model_validator(mode="after")
    def _consistent(self) -> DisclosureConfig:
        try:
            self.rule()
        except ConfigError as exc:  # DisclosureRule says in Dutch what does not fit together
            raise ValueError(str(exc)) from None
        return self

    def rule(self) -> DisclosureRule:
        return DisclosureRule(
            threshold=self.threshold,
            rounding=self.rounding,
            show_zero=self.show_zero,
            protection_width=self.protection_width,
        )


class PrivacyConfig(_Strict):
    """Pseudonymisation and retention at the boundary; disclosure control on the way out."""

    #: Environment variable holding the HMAC key; one key per collaboration, so the same
    #: person gets the same pseudonym in every source and municipality that shares it.
    pseudonym_key_env: str = "KOERS_PSEUDONIEM_SLEUTEL"
    #: Raw deliveries holding personal data are removed from landing/ after this many days.
    landing_retention_days: Annotated[int, Field(ge=0, le=3650)] = 30
    disclosure: DisclosureConfig = DisclosureConfig()


class PacksConfig(_Strict):
    enabled: list[str] = ["meldingen"]


class ProjectInfo(_Strict):
    name: Annotated[str, Field(min_length=1)]


class WebConfig(_Strict):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000


class OidcRoleMapping(_Strict):
    """One value of the provider's role claim and what it grants in Koers.

    ``gemeenten`` left out means every gemeente of the project, as ``--alle-gemeenten`` does.
    """

    #: The value as it appears in the claim: an Entra ID app role (``Koers.Analist.Duiven``),
    #: a Keycloak client role or group name.
    value: Annotated[str, Field(min_length=1, max_length=200)]
    roles: Annotated[list[str], Field(min_length=1)]
    gemeenten: Annotated[list[str], Field(min_length=1)] | None = None

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        from koers.privacy.roles import ROLES, unknown_roles

        wrong = unknown_roles(value)
        if wrong:
            raise ValueError(f"onbekende rol '{wrong[0]}'; mogelijk: {', '.join(ROLES)}")
        return value


class OidcConfig(_Strict):
    """Log-in through an OpenID Connect provider (Entra ID, Keycloak); docs/access/oidc.md.

    The client secret is never in ``koers.toml``: ``client_secret_env`` names the environment
    variable that holds it.
    """

    #: Exactly as the provider's discovery document states it, e.g.
    #: ``https://login.microsoftonline.com/<tenant-id>/v2.0``.
    issuer: Annotated[str, Field(min_length=1)]
    client_id: Annotated[str, Field(min_length=1)]
    client_secret_env: Annotated[str, Field(min_length=1)] = "KOERS_OIDC_CLIENT_SECRET"
    #: Shown on the log-in page: "Inloggen met <display_name>".
    display_name: Annotated[str, Field(min_length=1, max_length=80)] = "uw organisatie-account"
    scopes: list[str] = ["openid", "profile", "email"]
    #: Dotted path to the list of role names in the ID token: ``roles`` for Entra ID app
    #: roles, ``resource_access.<client-id>.roles`` for Keycloak client roles.
    roles_claim: Annotated[str, Field(min_length=1)] = "roles"
    #: The claim that becomes the Koers username (lower-cased).
    username_claim: Annotated[str, Field(min_length=1)] = "preferred_username"
    #: The callback URL as registered at the provider; empty: derived from the request.
    redirect_uri: str | None = None
    timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 10
    role_mapping: list[OidcRoleMapping] = []
    #: Only for tests against a provider on 127.0.0.1; production issuers are https.
    allow_http_issuer: bool = False

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, value: list[str]) -> list[str]:
        if "openid" not in value:
            raise ValueError("de scope 'openid' is verplicht voor OpenID Connect")
        return value

    @model_validator(mode="after")
    def _https_issuer(self) -> OidcConfig:
        from urllib.parse import urlsplit

        parts = urlsplit(self.issuer)
        local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme == "https" and parts.hostname:
            return self
        if parts.scheme == "http" and local and self.allow_http_issuer:
            return self
        raise ValueError(
            f"issuer '{self.issuer}' moet een https-adres zijn (http alleen op 127.0.0.1 "
            "met allow_http_issuer = true, voor tests)"
        )

    def client_secret(self) -> str:
        value = secret_from_env("access.oidc.client_secret_env", self.client_secret_env)
        if not value:
            raise ConfigError(
                f"{PROJECT_FILE}: access.oidc.client_secret_env noemt omgevingsvariabele "
                f"{self.client_secret_env}, maar die is leeg"
            )
        return value


class AccessConfig(_Strict):
    """Where accounts, sessions and the audit log live, apart from the warehouse (ADR 0005).

    Default: a SQLite file in the project (``beheer/toegang.sqlite``). A shared server gives a
    SQLAlchemy URL (PostgreSQL) without password; the password comes from ``password_env``.
    """

    url: str | None = None
    password_env: str | None = None
    #: A session ends after this long without a request, and in any case after the maximum.
    session_idle_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    session_max_hours: Annotated[int, Field(ge=1, le=7 * 24)] = 10
    #: This many failed log-ins within the window lock the account for lockout_minutes.
    lockout_attempts: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_window_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15
    lockout_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15
    #: Log-in through OpenID Connect besides (or instead of) local accounts.
    oidc: OidcConfig | None = None

    @field_validator("url")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        return _no_password_in_url(value) if value else value

    def password(self) -> str | None:
        return secret_from_env("access.password_env", self.password_env)


class _ProjectFile(_Strict):
    project: ProjectInfo
    gemeenten: Annotated[list[GemeenteConfig], Field(min_length=1)]
    engine: EngineConfig = EngineConfig()
    packs: PacksConfig = PacksConfig()
    sources: list[SourceConfig] = []
    privacy: PrivacyConfig = PrivacyConfig()
    web: WebConfig = WebConfig()
    access: AccessConfig = AccessConfig()


class Project(BaseModel):
    """A loaded project: the validated file plus the folder it lives in."""

    model_config = ConfigDict(frozen=True)

    dir: Path
    name: str
    gemeenten: tuple[GemeenteConfig, ...]
    engine: EngineConfig
    packs: tuple[str, ...]
    sources: tuple[SourceConfig, ...]
    privacy: PrivacyConfig
    web: WebConfig
    access: AccessConfig = AccessConfig()

    @property
    def file(self) -> Path:
        return self.dir / PROJECT_FILE

    def gemeente_naam(self, code: str) -> str:
        return next((g.naam for g in self.gemeenten if g.code == code), code)

    def resolve(self, relative: str) -> Path:
        """Paths in ``koers.toml`` are relative to the project folder."""
        path = Path(relative)
        return path if path.is_absolute() else self.dir / path


def find_project_dir(explicit: Path | None = None) -> Path:
    """The folder given with ``--project``, else the current one; it must hold koers.toml."""
    folder = (explicit or Path.cwd()).resolve()
    if not (folder / PROJECT_FILE).is_file():
        raise ConfigError(
            f"{folder / PROJECT_FILE}: bestand niet gevonden; start in een projectmap, "
            "geef --project MAP mee, of maak er een met 'koers init MAP'"
        )
    return folder


def load_project(folder: Path) -> Project:
    path = folder / PROJECT_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: bestand niet gevonden") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: geen geldige UTF-8-tekst") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: geen geldige TOML ({exc})") from None
    try:
        parsed = _ProjectFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None
    _check_consistency(path, parsed)
    return Project(
        dir=folder,
        name=parsed.project.name,
        gemeenten=tuple(parsed.gemeenten),
        engine=parsed.engine,
        packs=tuple(parsed.packs.enabled),
        sources=tuple(parsed.sources),
        privacy=parsed.privacy,
        web=parsed.web,
        access=parsed.access,
    )


def _check_consistency(path: Path, parsed: _ProjectFile) -> None:
    codes = [g.code for g in parsed.gemeenten]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{path}: sleutel 'gemeenten': een gemeentecode staat er dubbel in")
    names = [s.name for s in parsed.sources]
    for index, source in enumerate(parsed.sources):
        if names.count(source.name) > 1:
            raise ConfigError(f"{path}: sleutel 'sources[{index}].name': '{source.name}' is dubbel")
        if source.gemeente is not None and source.gemeente not in codes:
            raise ConfigError(
                f"{path}: sleutel 'sources[{index}].gemeente': '{source.gemeente}' staat niet "
                "onder [[gemeenten]]"
            )
    oidc = parsed.access.oidc
    for index, mapping in enumerate(oidc.role_mapping if oidc else []):
        wrong = [code for code in mapping.gemeenten or [] if code not in codes]
        if wrong:
            raise ConfigError(
                f"{path}: sleutel 'access.oidc.role_mapping[{index}].gemeenten': '{wrong[0]}' "
                "staat niet onder [[gemeenten]]"
            )
    if parsed.engine.type == "postgres" and not parsed.engine.url:
        raise ConfigError(f"{path}: sleutel 'engine.url': verplicht als engine.type = \"postgres\"")


_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "too_short": "mag niet leeg zijn",
    "string_too_short": "mag niet leeg zijn",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "string_pattern_mismatch": "alleen kleine letters, cijfers en _ (begin met een letter)",
    "model_type": "moet een tabel zijn",
    "dict_type": "moet een tabel zijn",
}


def _describe(error: ValidationError) -> str:
    """Turn pydantic's first complaint into 'sleutel X: wat er mis is' in Dutch."""
    first = error.errors()[0]
    key = ".".join(
        f"[{part}]" if isinstance(part, int) else str(part) for part in first["loc"]
    ).replace(".[", "[")
    kind = first["type"]
    if kind == "literal_error":
        allowed = first.get("ctx", {}).get("expected", "")
        what = f"onbekende waarde {first.get('input')!r} (toegestaan: {allowed})"
    elif kind == "value_error":
        what = str(first.get("ctx", {}).get("error", first["msg"]))
    else:
        what = _MESSAGES.get(kind, first["msg"])
    return f"sleutel '{key}': {what}" if key else what
