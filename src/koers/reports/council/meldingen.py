"""Quarterly council report on meldingen openbare ruimte: the first report on the machinery.

For one gemeente and quarter: meldingen received, the share handled within the service
target, the median handling time and the backlog at the end of the quarter, against the same
quarter a year earlier; the gemeenten of the collaboration side by side (per 1.000 inwoners
when the bevolking pack is enabled); the months of the last two years; and the categories of
the gemeente itself. Every number is a metric of the meldingen pack asked through the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from koers.analysis.narrative import Fact, Sentence
from koers.formatting import number
from koers.reports.council import charts
from koers.reports.council.context import Answer, ReportContext
from koers.reports.council.document import (
    Derivation,
    Figure,
    KeyFigure,
    Section,
    Summary,
    Table,
    TableRow,
    derive,
)
from koers.reports.council.registry import ReportBody, ReportDefinition

ONTVANGEN = "meldingen_ontvangen"
BINNEN_NORM = "meldingen_binnen_norm"
MEDIAAN = "meldingen_afhandeltijd_mediaan"
OPEN = "meldingen_open"
INWONERS = "inwoners"


def build(ctx: ReportContext) -> ReportBody:
    now, before = ctx.period, ctx.period.minus_years(1)
    by_gemeente = {
        metric: ctx.ask(metric, by="quarter,gemeente", first=before.first_day, last=now.last_day)
        for metric in (ONTVANGEN, BINNEN_NORM, MEDIAAN, OPEN)
    }
    inwoners = (
        ctx.ask(INWONERS, by="quarter,gemeente", first=now.first_day, last=now.last_day)
        if INWONERS in ctx.queries.packs.metrics
        else None
    )
    own = ctx.gemeente.code

    def pick(metric: str, code: str, when: str) -> Figure:
        return by_gemeente[metric].figure(period=when, gemeente=code)

    key_figures = [
        _key(ctx, by_gemeente[m], own, label)
        for m, label in (
            (ONTVANGEN, "Ontvangen meldingen"),
            (BINNEN_NORM, "Afgehandeld binnen de norm"),
            (MEDIAAN, "Mediane afhandeltijd"),
            (OPEN, "Openstaand aan het eind van het kwartaal"),
        )
    ]
    rates = {
        g.code: derive(
            "per_1000",
            pick(ONTVANGEN, g.code, now.key),
            inwoners.figure(period=now.key, gemeente=g.code),
            unit="aantal",
            label=f"Meldingen per 1.000 inwoners, {g.naam}",
        )
        for g in ctx.gemeenten
    } if inwoners else {}  # fmt: skip
    sentences = _summary_sentences(ctx, key_figures, rates)
    sections = [
        _side_by_side(ctx, by_gemeente, rates),
        _months(ctx),
        _categories(ctx),
    ]
    return ReportBody(Summary(key_figures, sentences), sections)


def _key(ctx: ReportContext, answer: Answer, code: str, label: str) -> KeyFigure:
    now, before = ctx.period, ctx.period.minus_years(1)
    current = answer.figure(period=now.key, gemeente=code)
    previous = answer.figure(period=before.key, gemeente=code)
    kind: Derivation = "verandering_procent" if answer.metric.unit == "aantal" else "verschil"
    change = derive(kind, current, previous, unit=answer.metric.unit, label=f"Verandering {label}")
    return KeyFigure(label, current, previous, change, answer.metric.better)


def _change_fact(change: Figure) -> Fact:
    """'5,2% meer' / '3,1% minder' / 'even veel' as a fact with the change's sources."""
    base = change.fact()
    value = change.value
    if value is None:
        return base
    text = (
        "evenveel"
        if round(value, 1) == 0
        else f"{number(abs(value), 1)}% {'meer' if value > 0 else 'minder'}"
    )
    return Fact(value, text, base.source)


def _summary_sentences(
    ctx: ReportContext,
    keys: Sequence[KeyFigure],
    rates: dict[str, Figure],
) -> list[Sentence]:
    now, before = ctx.period, ctx.period.minus_years(1)
    received, within, median, backlog = keys
    naam = ctx.gemeente.naam
    out: list[Sentence] = []
    opening = (
        f"In {now.in_words} kwamen in {naam} {{received}} meldingen over de openbare ruimte binnen"
    )
    if received.change.value is not None:
        out.append(Sentence(
            opening + f", {{change}} dan in {before.in_words} ({{previous}}).",
            {"received": received.current.fact(), "change": _change_fact(received.change),
             "previous": received.previous.fact()},
        ))  # fmt: skip
    else:
        out.append(Sentence(
            opening + f"; over {before.in_words} zijn geen vergelijkbare cijfers.",
            {"received": received.current.fact()},
        ))  # fmt: skip
    if within.current.value is not None:
        template = "Van de afgehandelde meldingen was {within} binnen de servicenorm klaar"
        facts = {"within": within.current.fact()}
        if within.previous.value is not None:
            template += ", een jaar eerder {within_previous}"
            facts["within_previous"] = within.previous.fact()
        out.append(Sentence(template + ".", facts))
    if median.current.value is not None:
        out.append(Sentence(
            "De helft van de meldingen was binnen {median} afgehandeld; aan het eind van het "
            "kwartaal stonden er {backlog} open.",
            {"median": median.current.fact(), "backlog": backlog.current.fact()},
        ))  # fmt: skip
    if rates and all(f.value is not None for f in rates.values()):
        names = list(ctx.gemeenten)
        slots = {f"rate_{i}": rates[g.code].fact() for i, g in enumerate(names)}
        parts = [f"{g.naam} {{rate_{i}}}" for i, g in enumerate(names)]
        listing = ", ".join(parts[:-1]) + " en " + parts[-1] if len(parts) > 1 else parts[0]
        out.append(Sentence(
            f"Per 1.000 inwoners kwamen in dit kwartaal binnen: {listing}.", slots
        ))  # fmt: skip
    return out


def _side_by_side(
    ctx: ReportContext, answers: dict[str, Answer], rates: dict[str, Figure]
) -> Section:
    def get(metric: str, code: str, when: str) -> Figure:
        return answers[metric].figure(period=when, gemeente=code)

    now, before = ctx.period, ctx.period.minus_years(1)
    columns = ["Gemeente", f"Ontvangen {now.label}", f"Ontvangen {before.label}", "Verandering"]
    if rates:
        columns.append("Per 1.000 inwoners")
    columns += ["Binnen norm", "Mediane afhandeltijd", "Open eind kwartaal"]
    rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    norm_bars: list[dict[str, Any]] = []
    for g in ctx.gemeenten:
        current, previous = get(ONTVANGEN, g.code, now.key), get(ONTVANGEN, g.code, before.key)
        cells: list[Figure | str] = [
            current,
            previous,
            derive("verandering_procent", current, previous, unit="aantal"),
        ]
        if rates:
            cells.append(rates[g.code])
        cells += [
            get(BINNEN_NORM, g.code, now.key),
            get(MEDIAAN, g.code, now.key),
            get(OPEN, g.code, now.key),
        ]
        rows.append(TableRow(g.naam, cells, emphasis=g.code == ctx.gemeente.code))
        for quarter in (before, now):
            bars.append(
                {
                    "group": g.naam,
                    "series": quarter.label,
                    "value": get(ONTVANGEN, g.code, quarter.key).value,
                }
            )
            norm_bars.append({"group": g.naam, "series": quarter.label,
                              "value": get(BINNEN_NORM, g.code, quarter.key).value})  # fmt: skip
    table = Table(
        f"Meldingen per gemeente, {now.label} en {before.label}",
        columns,
        rows,
        note="Binnen norm: aandeel van de afgehandelde meldingen dat binnen de servicenorm van "
        "de subcategorie klaar was. Per 1.000 inwoners: inwoners op 1 januari (CBS).",
    )
    received_chart = charts.chart(
        f"Ontvangen meldingen per gemeente, {before.label} en {now.label}",
        charts.grouped_bars(bars, group_title="Gemeente", value_title="Meldingen"),
        "Staafdiagram van de ontvangen meldingen per gemeente in beide kwartalen.",
        [answers[ONTVANGEN].question],
        bars,
    )
    norm_chart = charts.chart(
        f"Afgehandeld binnen de norm per gemeente, {before.label} en {now.label}",
        charts.grouped_bars(norm_bars, group_title="Gemeente", value_title="Procent", decimals=0),
        "Staafdiagram van het aandeel binnen de norm per gemeente in beide kwartalen.",
        [answers[BINNEN_NORM].question],
        norm_bars,
    )
    return Section("De gemeenten naast elkaar", blocks=[table, received_chart, norm_chart])


def _months(ctx: ReportContext) -> Section:
    now = ctx.period
    # Two years back, but not before the first whole quarter of data.
    first = max(now.minus_quarters(7), ctx.first_whole_quarter(ONTVANGEN))
    answer = ctx.ask(ONTVANGEN, by="month,gemeente", first=first.first_day, last=now.last_day)
    points = [
        {"period": month, "series": g.naam,
         "value": answer.figure(period=month, gemeente=g.code).value}
        for g in ctx.gemeenten
        for month in answer.values("period")
    ]  # fmt: skip
    chart = charts.chart(
        f"Ontvangen meldingen per maand, {first.label} tot en met {now.label}",
        charts.lines(points, value_title="Meldingen per maand"),
        "Lijndiagram van de ontvangen meldingen per maand, een lijn per gemeente.",
        [answer.question],
        points,
    )
    return Section(
        "Ontwikkeling per maand",
        sentences=[
            Sentence(
                "Het aantal meldingen volgt de seizoenen: meer in herfst en winter (bladval, "
                "storm, gladheid) dan in de zomer. Daarom vergelijkt dit rapport een kwartaal met "
                "hetzelfde kwartaal een jaar eerder."
            )
        ],
        blocks=[chart],
    )


def _categories(ctx: ReportContext) -> Section:
    now, before = ctx.period, ctx.period.minus_years(1)
    code = ctx.gemeente.code

    def ask(metric: str) -> Answer:
        return ctx.ask(
            metric, by="quarter,category", first=before.first_day, last=now.last_day, gemeente=code
        )

    received, within, median = ask(ONTVANGEN), ask(BINNEN_NORM), ask(MEDIAAN)
    categories = sorted(set(received.values("category")))
    rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for category in categories:
        current = received.figure(period=now.key, category=category)
        previous = received.figure(period=before.key, category=category)
        rows.append(TableRow(category, [
            current,
            previous,
            derive("verandering_procent", current, previous, unit="aantal"),
            within.figure(period=now.key, category=category),
            median.figure(period=now.key, category=category),
        ]))  # fmt: skip
        for quarter, figure in ((before, previous), (now, current)):
            bars.append({"group": category, "series": quarter.label, "value": figure.value})
    table = Table(
        f"Meldingen per categorie in {ctx.gemeente.naam}",
        ["Categorie", f"Ontvangen {now.label}", f"Ontvangen {before.label}", "Verandering",
         "Binnen norm", "Mediane afhandeltijd"],
        rows,
    )  # fmt: skip
    chart = charts.chart(
        f"Ontvangen meldingen per categorie in {ctx.gemeente.naam}",
        charts.grouped_bars(bars, group_title="Categorie", value_title="Meldingen", height=240),
        "Staafdiagram van de ontvangen meldingen per categorie in beide kwartalen.",
        [received.question],
        bars,
    )
    return Section(f"Per categorie in {ctx.gemeente.naam}", blocks=[table, chart])


REPORT = ReportDefinition(
    name="meldingen",
    title="Meldingen openbare ruimte",
    packs=("meldingen",),
    main_metric=ONTVANGEN,
    build=build,
)
