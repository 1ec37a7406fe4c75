"""The report as one self-contained HTML file: inline CSS, inline SVG, no scripts.

The same file is what Chromium prints to PDF (:mod:`.pdf`), so screen and paper show the same
numbers. Each number carries its API question in a ``data-api`` attribute (and as a tooltip),
so a reader of the HTML can check it; hidden cells show "verborgen" and their reason.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from koers.analysis.narrative import Sentence
from koers.formatting import dutch_date
from koers.reports.council.document import Figure, ReportDocument


def figure_html(value: Figure | str) -> Markup:
    """A number as HTML: the Dutch text, and where it came from."""
    if isinstance(value, str):
        return escape(value)
    sources = " ; ".join(q.url for q in value.sources)
    if value.hidden and value.reason:
        return Markup(
            '<span class="verborgen" data-api="{}" title="{}">{} <small>({})</small></span>'
        ).format(sources, value.reason, value.text, value.reason)
    return Markup('<span class="getal" data-api="{}" title="Bron: {}">{}</span>').format(
        sources, sources or "berekend", value.text
    )


def sentence_html(sentence: Sentence) -> Markup:
    """A narrative sentence with each fact marked by its source, the rest escaped."""
    slots = {
        name: Markup('<span class="getal" data-api="{}" title="{}">{}</span>').format(
            fact.source.query, fact.source.computation, fact.text
        )
        for name, fact in sentence.facts.items()
    }
    return Markup(str(escape(sentence.template)).format(**slots))


# The footer is a CSS string inside <style>, where HTML escapes are not read: drop quotes,
# backslashes, line breaks and markup characters a name could bring in.
_FOOTER_UNSAFE = re.compile(r'["\\\n<>&]')


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("koers.reports.council", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(figure=figure_html, sentence_html=sentence_html)
    return env


def _css() -> str:
    return (
        resources.files("koers.reports.council")
        .joinpath("templates/report.css")
        .read_text(encoding="utf-8")
    )


def render_html(document: ReportDocument) -> str:
    template = _environment().get_template("report.html")
    page = document.title_page
    return template.render(
        doc=document,
        css=Markup(_css()),
        made_on=dutch_date(document.title_page.made_on),
        questions=document.questions(),
        footer=Markup(
            _FOOTER_UNSAFE.sub("", f"{page.title} – {page.gemeente_naam} – {page.period_label}")
        ),
    )
