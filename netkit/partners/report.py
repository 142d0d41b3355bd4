"""Partner sets for several opportunities of one system (``netkit partners --all``): each
opportunity's report one after another and the glossary once, written from each partner set's
part (`netkit.partners.parts`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from netkit.partners.glossary import glossary_blocks
from netkit.partners.parts import part
from netkit.partners.result import TOP, PartnerSet, _map_assets
from netkit.render.document import Document, Footer
from netkit.render.formats import html_page, to_jsonable
from netkit.render.html import render_html
from netkit.render.json_text import json_text
from netkit.render.markdown import render_markdown
from netkit.render.text import render_text

__all__ = ["PartnerReport"]


@dataclass(frozen=True, repr=False)
class PartnerReport:
    """Partner sets for several opportunities of one system (``netkit partners --all``)."""

    system_name: str
    partner_sets: list

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<PartnerReport {self.system_name!r}: {len(self.partner_sets)} opportunities ("
                + ", ".join(ps.opportunity.id for ps in self.partner_sets) + ")>")

    def __getitem__(self, opportunity_id: str) -> PartnerSet:
        for ps in self.partner_sets:
            if ps.opportunity.id == opportunity_id:
                return ps
        raise KeyError(opportunity_id)

    def to_frame(self) -> pd.DataFrame:
        frames = [ps.to_frame().assign(opportunity=ps.opportunity.id) for ps in self.partner_sets]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["opportunity"] + [c for c in frame.columns if c != "opportunity"]]

    def to_sheets(self) -> dict[str, pd.DataFrame]:
        """Each table of `PartnerSet.to_sheets` for every opportunity, one sheet per table, with
        the opportunity's id as the first column."""
        tables: dict[str, list] = {}
        for ps in self.partner_sets:
            for name, frame in ps.to_sheets().items():
                tables.setdefault(name, []).append(
                    frame.assign(opportunity=ps.opportunity.id))
        out = {}
        for name, frames in tables.items():
            frame = pd.concat(frames, ignore_index=True)
            out[name] = frame[["opportunity"] + [c for c in frame.columns if c != "opportunity"]]
        return out

    def to_dict(self) -> dict:
        return {"system": self.system_name,
                "opportunities": [ps.to_dict() for ps in self.partner_sets]}

    def to_json(self) -> str:
        """`to_dict` as JSON text (``--format json``): each opportunity's part written once
        (`netkit.partners.parts`, where `find_all_partners` may have written it already),
        then joined, as ``json.dumps(..., indent=2)`` would write the whole."""
        if not self.partner_sets:
            return json_text(to_jsonable(self.to_dict()))
        parts = [part(ps, "json") for ps in self.partner_sets]  # nested as they are here
        return ("{\n  \"system\": " + json_text(to_jsonable(self.system_name))
                + ",\n  \"opportunities\": [\n    " + ",\n    ".join(parts) + "\n  ]\n}")

    def to_text(self, width: int = 100, top: int | None = TOP) -> str:
        """Each opportunity's briefing (`PartnerSet.to_text`), one after another, then the
        glossary once."""
        glossary = render_text(Document(glossary_blocks()), width)
        return "\n\n".join([part(ps, "text", top, width) for ps in self.partner_sets]
                           + [glossary])

    def to_markdown(self, top: int | None = TOP) -> str:
        """Each opportunity's report (`PartnerSet.to_markdown`), one after another, then the
        glossary once."""
        return "\n\n".join([part(ps, "markdown", top) for ps in self.partner_sets]
                           + [render_markdown(Document(glossary_blocks()))])

    def to_html(self) -> str:
        body = "\n<hr>\n".join(part(ps, "html") for ps in self.partner_sets)
        footer = self.partner_sets[0].provenance().rsplit(" · opportunity", 1)[0] \
            if self.partner_sets else ""
        return html_page(f"Partners for {self.system_name}",
                         body + "\n" + render_html(Document(glossary_blocks() + [Footer(footer)])),
                         **_map_assets(True))

    def _repr_html_(self) -> str:
        return "<hr>".join(ps._repr_html_() for ps in self.partner_sets)
