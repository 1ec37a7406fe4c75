"""Quarterly council report on the sociaal domein (Wmo and Jeugd): the second report.

For one gemeente and quarter: clients with a voorziening (per 1.000 inwoners, per product
category and per age group), the voorzieningen, the lasten of the care taakvelden against the
budget, and the beschikkingen with their waiting time and the ones past the legal term; the
three gemeenten of the collaboration side by side and against the same quarter a year earlier.

Every count of people is a public metric with disclosure control (``disclosure = "cbs"``,
ADR 0008), asked as the public: hidden cells stay hidden, with their reason, and every ratio
(per 1.000 inwoners, average waiting time, change) with a hidden part is hidden too. The
euro amounts are ledger totals per group of Iv3 taakvelden (financien pack), not counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from koers.analysis.narrative import Fact, Sentence, Source
from koers.formatting import number
from koers.reports.council import charts
from koers.reports.council.context import Answer, ReportContext
from koers.reports.council.document import (
    Figure,
    KeyFigure,
    Section,
    Summary,
    Table,
    TableRow,
    derive,
)
from koers.reports.council.period import Quarter
from koers.reports.council.registry import ReportBody, ReportDefinition

CLIENTEN = "sociaal_domein_clienten"
CLIENTEN_LEEFTIJD = "sociaal_domein_clienten_leeftijd"
VOORZIENINGEN = "sociaal_domein_voorzieningen"
BESCHIKKINGEN = "sociaal_domein_beschikkingen"
WACHTDAGEN = "sociaal_domein_wachtdagen"
TE_LAAT = "sociaal_domein_beschikkingen_te_laat"
BEGROTING = "sociaal_domein_lasten_begroting"
REALISATIE = "sociaal_domein_lasten_realisatie"
INWONERS = "inwoners"
INWONERS_LEEFTIJD = "sociaal_domein_inwoners_leeftijd"

#: The unit of a rate per 1.000 inwoners (shown with one decimal, no suffix).
PER_1000 = "per 1.000 inwoners"
#: Short product-category names for chart axes, where ten long names would overlap.
SHORT = {
    "Hulp bij het huishouden": "Huishouden",
    "Woningaanpassingen": "Woning",
    "Jeugdhulp ambulant": "Jeugd amb.",
    "Jeugdhulp met verblijf": "Jeugd verbl.",
    "Jeugdbescherming": "Jeugdbesch.",
    "Jeugdreclassering": "Jeugdrecl.",
    "Dagbesteding": "Dagbest.",
    "Begeleiding": "Begeleid.",
    "Hulpmiddelen": "Hulpmidd.",
}
#: How an average is computed, for the appendix and a fact's source.
AVERAGE_WORDS = "a / b"
TERMS_TEXT = (
    "De wettelijke termijnen: bij de Wmo moet het onderzoek binnen zes weken na de melding "
    "klaar zijn (Wmo 2015 art. 2.3.2) en de beschikking binnen twee weken na de aanvraag "
    "(art. 2.3.5), samen dus hooguit acht weken van melding tot beschikking. De Jeugdwet "
    "noemt zelf geen beslistermijn; dan geldt de Awb: uiterlijk acht weken na de aanvraag "
    "(art. 4:13). Opschorting (Awb 4:15) en verdaging (Awb 4:14) schuiven de termijn op."
)


def average(total: Figure, count: Figure, *, label: str = "") -> Figure:
    """``total / count`` (an average from two protected counts); hidden if either is hidden.

    The machinery's ``derive`` has no average; this figure keeps both inputs, so the appendix
    and the tests trace it to the two API questions as they do a derived figure.
    """
    unit = "dagen"
    if total.value is None or count.value is None:
        missing = total if total.value is None else count
        why = "invoer verborgen" if missing.reason and missing.question else "geen gegevens"
        return Figure(None, unit, why, inputs=(total, count), label=label)
    if count.value == 0:
        return Figure(None, unit, "deling door nul", inputs=(total, count), label=label)
    return Figure(total.value / count.value, unit, inputs=(total, count), label=label)


def fact(figure: Figure) -> Fact:
    """A figure as a narrative fact; an average names its own computation."""
    base = figure.fact()
    if figure.question is None and figure.derivation is None and figure.inputs:
        source = Source(figure.label, None, None, AVERAGE_WORDS, base.source.query)
        return Fact(base.value, base.text, source)
    return base


class _Asked:
    """The answers the report rests on: each metric asked once for both quarters."""

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.now = ctx.period
        self.before = ctx.period.minus_years(1)
        first, last = self.before.first_day, self.now.last_day

        def ask(metric: str, by: str) -> Answer:
            return ctx.ask(metric, by=by, first=first, last=last)

        self.clienten = ask(CLIENTEN, "quarter,gemeente,productcategorie")
        self.leeftijd = ask(CLIENTEN_LEEFTIJD, "quarter,gemeente,leeftijdsgroep")
        self.voorzieningen = ask(VOORZIENINGEN, "quarter,gemeente,productcategorie")
        self.beschikkingen = ask(BESCHIKKINGEN, "quarter,gemeente,domein")
        self.wachtdagen = ask(WACHTDAGEN, "quarter,gemeente,domein")
        self.te_laat = ask(TE_LAAT, "quarter,gemeente,domein")
        self.begroting = ask(BEGROTING, "quarter,gemeente,taakveldgroep")
        self.realisatie = ask(REALISATIE, "quarter,gemeente,taakveldgroep")
        # Totals per gemeente are cells of the same publication tables (ADR 0008).
        self.clienten_totaal = ask(CLIENTEN_LEEFTIJD, "quarter,gemeente")
        self.voorzieningen_totaal = ask(VOORZIENINGEN, "quarter,gemeente")
        self.beschikkingen_totaal = ask(BESCHIKKINGEN, "quarter,gemeente")
        self.wachtdagen_totaal = ask(WACHTDAGEN, "quarter,gemeente")
        self.te_laat_totaal = ask(TE_LAAT, "quarter,gemeente")
        self.begroting_totaal = ask(BEGROTING, "quarter,gemeente")
        self.realisatie_totaal = ask(REALISATIE, "quarter,gemeente")
        self.inwoners = ask(INWONERS, "quarter,gemeente")
        self.inwoners_leeftijd = ask(INWONERS_LEEFTIJD, "quarter,gemeente,leeftijdsgroep")

    def inw(self, code: str, quarter: Quarter) -> Figure:
        return self.inwoners.figure(period=quarter.key, gemeente=code)

    def rate(self, count: Figure, code: str, quarter: Quarter, label: str) -> Figure:
        return derive("per_1000", count, self.inw(code, quarter), unit=PER_1000, label=label)

    def rate_in_group(self, count: Figure, code: str, quarter: Quarter, group: str,
                      label: str) -> Figure:  # fmt: skip
        """``count`` per 1.000 inhabitants of the same age group (not of all ages)."""
        inhabitants = self.inwoners_leeftijd.figure(
            period=quarter.key, gemeente=code, leeftijdsgroep=group
        )
        return derive("per_1000", count, inhabitants, unit=PER_1000, label=label)

    def wachttijd(self, code: str, quarter: Quarter, domein: str | None = None) -> Figure:
        row = {"period": quarter.key, "gemeente": code}
        if domein:
            total = self.wachtdagen.figure(**row, domein=domein)
            count = self.beschikkingen.figure(**row, domein=domein)
        else:
            total = self.wachtdagen_totaal.figure(**row)
            count = self.beschikkingen_totaal.figure(**row)
        naam = self.ctx.naam(code)
        what = f"{domein}, {naam}" if domein else naam
        return average(total, count, label=f"Gemiddelde wachttijd {what}, {quarter.label}")


def build(ctx: ReportContext) -> ReportBody:
    asked = _Asked(ctx)
    key_figures = _key_figures(asked)
    sentences = _summary_sentences(asked, key_figures)
    sections = [
        _clients_by_category(asked),
        _clients_by_age(asked),
        _voorzieningen(asked),
        _costs(asked),
        _waiting(asked),
    ]
    return ReportBody(Summary(key_figures, sentences), sections)


def _key(label: str, current: Figure, previous: Figure, better: str, *, kind: str) -> KeyFigure:
    unit = current.unit
    if kind == "verschil":
        change = derive("verschil", current, previous, unit=unit, label=f"Verandering {label}")
    else:
        change = derive(
            "verandering_procent", current, previous, unit=unit, label=f"Verandering {label}"
        )
    return KeyFigure(label, current, previous, change, better)


def _key_figures(a: _Asked) -> list[KeyFigure]:
    code, now, before = a.ctx.gemeente.code, a.now, a.before

    def at(answer: Answer, quarter: Quarter) -> Figure:
        return answer.figure(period=quarter.key, gemeente=code)

    clients, clients_before = at(a.clienten_totaal, now), at(a.clienten_totaal, before)
    rate = a.rate(clients, code, now, f"Cliënten per 1.000 inwoners, {now.label}")
    rate_before = a.rate(
        clients_before, code, before, f"Cliënten per 1.000 inwoners, {before.label}"
    )
    return [
        _key("Cliënten met een voorziening", clients, clients_before, "neutraal", kind="procent"),
        _key("Cliënten per 1.000 inwoners", rate, rate_before, "neutraal", kind="verschil"),
        _key("Lopende voorzieningen", at(a.voorzieningen_totaal, now),
             at(a.voorzieningen_totaal, before), "neutraal", kind="procent"),
        _key("Beschikkingen", at(a.beschikkingen_totaal, now), at(a.beschikkingen_totaal, before),
             "neutraal", kind="procent"),
        _key("Gemiddelde wachttijd melding tot beschikking", a.wachttijd(code, now),
             a.wachttijd(code, before), "omlaag", kind="verschil"),
        _key("Beschikkingen na de wettelijke termijn", at(a.te_laat_totaal, now),
             at(a.te_laat_totaal, before), "omlaag", kind="procent"),
        _key("Lasten zorg sociaal domein", at(a.realisatie_totaal, now),
             at(a.realisatie_totaal, before), "omlaag", kind="procent"),
    ]  # fmt: skip


def _change_words(change: Figure) -> Fact:
    """'5,2% meer' / '3,1% minder' / 'evenveel', keeping the change's source."""
    base = change.fact()
    value = change.value
    if value is None:
        return base
    if round(value, 1) == 0:
        text = "evenveel"
    else:
        text = f"{number(abs(value), 1)}% {'meer' if value > 0 else 'minder'}"
    return Fact(value, text, base.source)


def _listing(parts: Sequence[str]) -> str:
    return ", ".join(parts[:-1]) + " en " + parts[-1] if len(parts) > 1 else parts[0]


def _summary_sentences(a: _Asked, keys: Sequence[KeyFigure]) -> list[Sentence]:
    clients, rate, _, decisions, waiting, late, costs = keys
    naam, now, before = a.ctx.gemeente.naam, a.now, a.before
    out: list[Sentence] = []
    if clients.current.value is not None and rate.current.value is not None:
        template = (
            f"Aan het eind van {now.in_words} hadden {{clients}} inwoners van {naam} een "
            "voorziening uit de Wmo of de Jeugdwet, {rate} per 1.000 inwoners"
        )
        facts = {"clients": fact(clients.current), "rate": fact(rate.current)}
        if clients.change.value is not None:
            template += "; dat is {change} dan een jaar eerder ({previous})"
            facts |= {"change": _change_words(clients.change), "previous": fact(clients.previous)}
        out.append(Sentence(template + ".", facts))
    rates = {
        g.code: a.rate(a.clienten_totaal.figure(period=now.key, gemeente=g.code), g.code, now, "")
        for g in a.ctx.gemeenten
    }
    if len(rates) > 1 and all(r.value is not None for r in rates.values()):
        slots = {f"rate_{i}": fact(rates[g.code]) for i, g in enumerate(a.ctx.gemeenten)}
        parts = [f"{g.naam} {{rate_{i}}}" for i, g in enumerate(a.ctx.gemeenten)]
        out.append(Sentence(f"Per 1.000 inwoners is dat in {_listing(parts)}.", slots))
    if decisions.current.value is not None and waiting.current.value is not None:
        template = (
            "In het kwartaal werden {decisions} beschikkingen afgegeven, gemiddeld {waiting} na "
            "de melding"
        )
        facts = {"decisions": fact(decisions.current), "waiting": fact(waiting.current)}
        if waiting.previous.value is not None:
            template += f" (in {before.label}: {{waiting_before}})"
            facts["waiting_before"] = fact(waiting.previous)
        out.append(Sentence(template + "; de wet geeft bij de Wmo hooguit acht weken.", facts))
    if late.current.value is not None:
        out.append(Sentence(
            "Na de wettelijke termijn kwamen {late} beschikkingen.", {"late": fact(late.current)}
        ))  # fmt: skip
    else:
        out.append(Sentence(
            "Het aantal beschikkingen na de wettelijke termijn wordt niet getoond ({reason}): "
            "het gaat om kleine aantallen, die een persoon herkenbaar kunnen maken.",
            {"reason": Fact(late.current.reason or "", late.current.reason or "",
                            fact(late.current).source)},
        ))  # fmt: skip
    budget = a.begroting_totaal.figure(period=now.key, gemeente=a.ctx.gemeente.code)
    versus = derive("verandering_procent", costs.current, budget, unit="euro")
    if costs.current.value is not None and versus.value is not None:
        out.append(Sentence(
            "De lasten van de zorgtaakvelden waren {costs}, {versus} ten opzichte van de "
            "begroting voor dit kwartaal ({budget}).",
            {"costs": fact(costs.current), "versus": _change_words(versus),
             "budget": fact(budget)},
        ))  # fmt: skip
    return out


def _clients_by_category(a: _Asked) -> Section:
    now, before, own = a.now, a.before, a.ctx.gemeente.code
    categories = a.clienten.values("productcategorie")
    rows: list[TableRow] = []
    trend_rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for category in categories:
        cells: list[Figure | str] = []
        for g in a.ctx.gemeenten:
            count = a.clienten.figure(period=now.key, gemeente=g.code, productcategorie=category)
            rate = a.rate(count, g.code, now, f"Cliënten {category} per 1.000 inwoners, {g.naam}")
            cells.append(rate)
            bars.append({"group": SHORT.get(category, category), "series": g.naam,
                         "value": rate.value})  # fmt: skip
        rows.append(TableRow(category, cells))
        current = a.clienten.figure(period=now.key, gemeente=own, productcategorie=category)
        previous = a.clienten.figure(period=before.key, gemeente=own, productcategorie=category)
        change = derive("verandering_procent", current, previous, unit="aantal")
        trend_rows.append(TableRow(category, [current, change]))
    table = Table(
        f"Cliënten per 1.000 inwoners per productcategorie, eind {now.label}",
        ["Productcategorie", *(g.naam for g in a.ctx.gemeenten)],
        rows,
        note="Een cliënt met voorzieningen in twee categorieën telt in beide. Per 1.000 "
        "inwoners: alle inwoners van de gemeente op 1 januari (CBS).",
    )
    trend = Table(
        f"Cliënten per productcategorie in {a.ctx.gemeente.naam}",
        ["Productcategorie", f"Eind {now.label}", f"Verandering t.o.v. eind {before.label}"],
        trend_rows,
    )
    chart = charts.chart(
        f"Cliënten per 1.000 inwoners per productcategorie, eind {now.label}",
        charts.grouped_bars(bars, group_title="Productcategorie", value_title="Per 1.000 inwoners",
                            decimals=0, height=260),
        "Staafdiagram van de cliënten per 1.000 inwoners per productcategorie, een staaf per "
        "gemeente.",
        [a.clienten.question, a.inwoners.question],
        bars,
    )  # fmt: skip
    return Section("Cliënten per productcategorie", blocks=[table, chart, trend])


def _clients_by_age(a: _Asked) -> Section:
    now, before = a.now, a.before
    groups = a.leeftijd.values("leeftijdsgroep")
    own = a.ctx.gemeente.code
    columns = ["Leeftijdsgroep", f"{a.ctx.gemeente.naam} {now.label}",
               f"{a.ctx.gemeente.naam} {before.label}",
               *(f"{g.naam} per 1.000" for g in a.ctx.gemeenten)]  # fmt: skip
    rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for group in [*groups, None]:
        counts: list[Figure | str] = []
        cells: list[Figure | str] = []
        for g in a.ctx.gemeenten:
            if group is None:
                current = a.clienten_totaal.figure(period=now.key, gemeente=g.code)
                previous = a.clienten_totaal.figure(period=before.key, gemeente=g.code)
            else:
                current = a.leeftijd.figure(period=now.key, gemeente=g.code, leeftijdsgroep=group)
                previous = a.leeftijd.figure(
                    period=before.key, gemeente=g.code, leeftijdsgroep=group
                )
            if group is None:
                rate = a.rate(current, g.code, now, f"Cliënten totaal per 1.000, {g.naam}")
            else:
                label = f"Cliënten {group} per 1.000 inwoners van {group}, {g.naam}"
                rate = a.rate_in_group(current, g.code, now, group, label)
            cells.append(rate)
            if g.code == own:
                counts = [current, previous]
            if group is not None:
                bars.append({"group": group, "series": g.naam, "value": rate.value})
        rows.append(TableRow(group or "Totaal (cliënten)", counts + cells, emphasis=group is None))
    table = Table(
        f"Cliënten met een voorziening per leeftijdsgroep, eind {now.label} en {before.label}",
        columns,
        rows,
        note="Elke cliënt telt één keer, in de leeftijdsgroep van de laatst gestarte voorziening. "
        "Per 1.000: per 1.000 inwoners van dezelfde leeftijdsgroep op 1 januari (CBS); de "
        "totaalregel per 1.000 inwoners van alle leeftijden. CBS telt in vijfjaarsklassen: "
        "de klasse 15 tot 20 jaar is verdeeld, drie vijfde bij 0 tot 18 en twee vijfde bij "
        "18 tot 65 jaar, dus de cijfers per 1.000 voor die twee groepen zijn een schatting.",
    )
    chart = charts.chart(
        f"Cliënten per 1.000 inwoners van dezelfde leeftijdsgroep, eind {now.label}",
        charts.grouped_bars(
            bars, group_title="Leeftijdsgroep", value_title="Per 1.000 inwoners van de groep"
        ),
        "Staafdiagram van de cliënten per 1.000 inwoners van dezelfde leeftijdsgroep, een "
        "staaf per gemeente.",
        [a.leeftijd.question, a.inwoners_leeftijd.question],
        bars,
    )
    return Section("Cliënten per leeftijdsgroep", blocks=[table, chart])


def _voorzieningen(a: _Asked) -> Section:
    now, before, own = a.now, a.before, a.ctx.gemeente.code
    side_rows: list[TableRow] = []
    for g in a.ctx.gemeenten:
        current = a.voorzieningen_totaal.figure(period=now.key, gemeente=g.code)
        previous = a.voorzieningen_totaal.figure(period=before.key, gemeente=g.code)
        change = derive("verandering_procent", current, previous, unit="aantal")
        side_rows.append(TableRow(g.naam, [current, previous, change], emphasis=g.code == own))
    side = Table(
        "Lopende voorzieningen per gemeente",
        ["Gemeente", f"Eind {now.label}", f"Eind {before.label}", "Verandering"],
        side_rows,
        note="Eenmalige voorzieningen (woningaanpassingen) tellen in het kwartaal van levering.",
    )
    rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for category in a.voorzieningen.values("productcategorie"):
        current = a.voorzieningen.figure(period=now.key, gemeente=own, productcategorie=category)
        previous = a.voorzieningen.figure(
            period=before.key, gemeente=own, productcategorie=category
        )
        change = derive("verandering_procent", current, previous, unit="aantal")
        rows.append(TableRow(category, [current, change]))
        for quarter, figure in ((before, previous), (now, current)):
            bars.append({"group": SHORT.get(category, category), "series": quarter.label,
                         "value": figure.value})  # fmt: skip
    table = Table(
        f"Lopende voorzieningen per productcategorie in {a.ctx.gemeente.naam}",
        ["Productcategorie", f"Eind {now.label}", f"Verandering t.o.v. eind {before.label}"],
        rows,
    )
    chart = charts.chart(
        f"Lopende voorzieningen in {a.ctx.gemeente.naam}, eind {before.label} en {now.label}",
        charts.grouped_bars(bars, group_title="Productcategorie", value_title="Voorzieningen",
                            height=260),
        "Staafdiagram van de lopende voorzieningen per productcategorie in beide kwartalen.",
        [a.voorzieningen.question],
        bars,
    )  # fmt: skip
    return Section("Voorzieningen", blocks=[side, table, chart])


def _costs(a: _Asked) -> Section:
    now, before, own = a.now, a.before, a.ctx.gemeente.code
    groups = a.realisatie.values("taakveldgroep")
    rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for group in [*groups, None]:
        real, budget = (a.realisatie_totaal, a.begroting_totaal) if group is None else (
            a.realisatie, a.begroting)  # fmt: skip
        extra = {} if group is None else {"taakveldgroep": group}
        planned = budget.figure(period=now.key, gemeente=own, **extra)
        spent = real.figure(period=now.key, gemeente=own, **extra)
        spent_before = real.figure(period=before.key, gemeente=own, **extra)
        rows.append(TableRow(group or "Totaal zorg", [
            planned, spent, derive("verandering_procent", spent, planned, unit="euro"),
            spent_before, derive("verandering_procent", spent, spent_before, unit="euro"),
        ], emphasis=group is None))  # fmt: skip
        if group is not None:
            code = group.split(" ")[0]
            bars += [{"group": code, "series": "Begroting", "value": planned.value},
                     {"group": code, "series": "Realisatie", "value": spent.value}]  # fmt: skip
    own_table = Table(
        f"Lasten zorg sociaal domein in {a.ctx.gemeente.naam}, {now.label}",
        ["Taakveld", "Begroting", "Realisatie", "Realisatie t.o.v. begroting",
         f"Realisatie {before.label}", f"Verandering t.o.v. {before.label}"],
        rows,
        note="Begroting: een kwart van de primitieve jaarbegroting. Iv3 nummerde de taakvelden "
        "van het sociaal domein in 2025 opnieuw; de groepen vallen in beide nummeringen samen "
        "(pgb bij zijn domein).",
    )  # fmt: skip
    side_rows: list[TableRow] = []
    for g in a.ctx.gemeenten:
        planned = a.begroting_totaal.figure(period=now.key, gemeente=g.code)
        spent = a.realisatie_totaal.figure(period=now.key, gemeente=g.code)
        side_rows.append(TableRow(g.naam, [
            planned, spent, derive("verandering_procent", spent, planned, unit="euro"),
        ], emphasis=g.code == own))  # fmt: skip
    side = Table(
        f"Lasten zorg sociaal domein per gemeente, {now.label}",
        ["Gemeente", "Begroting", "Realisatie", "Realisatie t.o.v. begroting"],
        side_rows,
    )
    chart = charts.chart(
        f"Begroting en realisatie per taakveld in {a.ctx.gemeente.naam}, {now.label}",
        charts.grouped_bars(bars, group_title="Taakveld (Iv3)", value_title="Euro", height=240),
        "Staafdiagram van begrote en gerealiseerde lasten per taakveldgroep.",
        [a.begroting.question, a.realisatie.question],
        bars,
    )
    return Section("Kosten en begroting", blocks=[own_table, chart, side])


def _waiting(a: _Asked) -> Section:
    now, before = a.now, a.before
    domeinen = a.beschikkingen.values("domein")
    rows: list[TableRow] = []
    late_rows: list[TableRow] = []
    bars: list[dict[str, Any]] = []
    for g in a.ctx.gemeenten:
        for domein in [*domeinen, None]:
            if domein is None:
                decided = a.beschikkingen_totaal.figure(period=now.key, gemeente=g.code)
                late = a.te_laat_totaal.figure(period=now.key, gemeente=g.code)
                late_before = a.te_laat_totaal.figure(period=before.key, gemeente=g.code)
            else:
                row = {"gemeente": g.code, "domein": domein}
                decided = a.beschikkingen.figure(period=now.key, **row)
                late = a.te_laat.figure(period=now.key, **row)
                late_before = a.te_laat.figure(period=before.key, **row)
            waiting = a.wachttijd(g.code, now, domein)
            label = f"{g.naam}, {domein}" if domein else f"{g.naam}, totaal"
            emphasis = domein is None and g.code == a.ctx.gemeente.code
            rows.append(TableRow(
                label, [decided, waiting, a.wachttijd(g.code, before, domein)], emphasis=emphasis
            ))  # fmt: skip
            late_rows.append(TableRow(label, [late, late_before], emphasis=emphasis))
            if domein is not None:
                bars.append({"group": g.naam, "series": domein, "value": waiting.value})
    table = Table(
        f"Beschikkingen en gemiddelde wachttijd, {now.label}",
        ["Gemeente en domein", "Beschikkingen", f"Wachttijd {now.label}",
         f"Wachttijd {before.label}"],
        rows,
        note="Wachttijd: dagen van de melding tot de beschikking, gemiddeld over de beschikkingen "
        "van het kwartaal (som van de wachtdagen gedeeld door het aantal beschikkingen, beide "
        "beschermde tellingen).",
    )  # fmt: skip
    late_table = Table(
        "Beschikkingen na de wettelijke termijn",
        ["Gemeente en domein", now.label, before.label],
        late_rows,
        note="Beschikkingen die later kwamen dan de wettelijke termijn, na opschorting en "
        "verdaging. Kleine aantallen zijn verborgen, en soms een groter aantal ernaast, zodat "
        "een klein aantal niet uit de totalen is terug te rekenen.",
    )
    chart = charts.chart(
        f"Gemiddelde wachttijd van melding tot beschikking, {now.label}",
        charts.grouped_bars(bars, group_title="Gemeente", value_title="Dagen"),
        "Staafdiagram van de gemiddelde wachttijd in dagen per gemeente, een staaf per domein.",
        [a.wachtdagen.question, a.beschikkingen.question],
        bars,
    )
    return Section(
        "Wachttijden en termijnen",
        sentences=[Sentence(TERMS_TEXT)],
        blocks=[table, chart, late_table],
    )


REPORT = ReportDefinition(
    name="sociaal-domein",
    title="Sociaal domein: Wmo en Jeugd",
    packs=("sociaal_domein", "bevolking", "financien"),
    main_metric=BESCHIKKINGEN,
    build=build,
)
