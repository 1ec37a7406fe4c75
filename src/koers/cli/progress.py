"""A Rich progress bar for the pipeline, shown in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task = self.bar.add_task("koers run", total=None)

    def start(self, total_steps: int) -> None:
        self.bar.update(self.task, total=total_steps)
        self.bar.start()

    def step(self, description: str) -> None:
        self.bar.update(self.task, description=description)

    def done(self, description: str, detail: str) -> None:
        self.bar.advance(self.task)

    def finish(self) -> None:
        self.bar.update(self.task, description="klaar")
        self.bar.stop()
