"""The data subject's export as a PDF, typeset by Typst from the same document as the JSON.

The template gets plain strings only (prepared here), so it stays a few lines and
nothing in the person's data is ever interpreted as Typst markup.
"""

from __future__ import annotations

import json
from typing import Any

TEMPLATE = b"""
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: 2cm, footer: context [#data.title #h(1fr) #counter(page).display()])
#set text(size: 9.5pt)
= #data.title
#data.intro
#for section in data.sections [
  == #section.heading
  #if section.rows.len() == 0 [_None._] else [
    #table(columns: (35%, 65%), stroke: 0.4pt + gray,
      ..section.rows.map(r => (strong(r.at(0)), r.at(1))).flatten())
  ]
]
"""


def _text(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _rows(value: Any) -> list[list[str]]:
    if isinstance(value, dict):
        return [[key.replace("_", " "), _text(v)] for key, v in value.items()]
    rows = []
    for n, item in enumerate(value or [], 1):
        if isinstance(item, dict):
            rows.append([f"{n}.", "; ".join(f"{k.replace('_', ' ')}: {_text(v)}"
                                            for k, v in item.items())])
        else:
            rows.append([f"{n}.", _text(item)])
    return rows


def subject_pdf(document: dict[str, Any]) -> bytes:
    import typst

    reference = document["case"]["reference"]
    data = {
        "title": f"Everything held on the person of case {reference}",
        "intro": f"Generated {document['generated']} at the person's request. The JSON export "
                 "holds the same data in machine-readable form.",
        "sections": [{"heading": key.replace("_", " ").capitalize(), "rows": _rows(value)}
                     for key, value in document.items() if key != "generated"],
    }
    return typst.compile(TEMPLATE, sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
