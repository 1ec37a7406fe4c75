"""Rendering a narrative sentence as HTML: each number links to the query that produced it.

The sentence's template is split into its literal text and its slots; the text is escaped and
every slot becomes a link to its fact's query, with the computation as its title, so a
reader can check any number in a story with one click (issue 6: every number traceable).
"""

from __future__ import annotations

from string import Formatter

from markupsafe import Markup, escape

from koers.analysis.narrative import Sentence


def sentence_html(sentence: Sentence) -> Markup:
    parts: list[str] = []
    for literal, name, _, _ in Formatter().parse(sentence.template):
        parts.append(str(escape(literal)))
        if name is None:
            continue
        fact = sentence.facts[name]
        text = escape(fact.text)
        title = escape(fact.source.computation)
        if fact.source.query:
            parts.append(
                f'<a class="fact" href="{escape(fact.source.query)}" title="{title}">{text}</a>'
            )
        else:
            parts.append(f'<span class="fact" title="{title}">{text}</span>')
    return Markup("".join(parts))
