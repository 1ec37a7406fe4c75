"""How the pipeline tells a person what it is doing, without knowing about terminals."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, total_steps: int) -> None: ...
    def step(self, description: str) -> None: ...
    def done(self, description: str, detail: str) -> None: ...
    def finish(self) -> None: ...


class Silent:
    """For tests and the web app: the run log records everything anyway."""

    def start(self, total_steps: int) -> None:
        pass

    def step(self, description: str) -> None:
        pass

    def done(self, description: str, detail: str) -> None:
        pass

    def finish(self) -> None:
        pass
