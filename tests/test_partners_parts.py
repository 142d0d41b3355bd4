"""A report of several opportunities written from each one's part (netkit/partners/parts.py):
the parts written in the workers beside the queries (`find_all_partners(prepare=...)`), the
report the same text as written whole in one process."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import riverside_partners, sample_system
from netkit.cli import cli

import netkit
from netkit._parallel import can_fork
from netkit.errors import OptionError
from netkit.partners.parts import PART_FORMATS, part
from netkit.partners.result import PartnerSet
from netkit.render.formats import to_jsonable

RENDER = {"json": lambda r: r.to_json(), "text": lambda r: r.to_text(top=5),
          "markdown": lambda r: r.to_markdown(top=5), "html": lambda r: r.to_html()}


def test_the_json_report_is_what_the_standard_library_writes_of_the_whole():
    report = riverside_partners()
    assert report.to_json() == json.dumps(to_jsonable(report.to_dict()), indent=2,
                                          ensure_ascii=False)
    empty = netkit.PartnerReport("nothing", [])
    assert empty.to_json() == '{\n  "system": "nothing",\n  "opportunities": []\n}'


@pytest.mark.parametrize("fmt", PART_FORMATS)
def test_a_report_prepared_in_the_workers_is_the_report_written_whole(fmt):
    riverside = sample_system("riverside")
    whole = RENDER[fmt](netkit.find_all_partners(riverside))
    ready = netkit.find_all_partners(riverside, jobs=2, prepare=fmt, top=5)
    assert RENDER[fmt](ready) == whole


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked here only")
def test_the_parts_come_back_from_the_workers_written(monkeypatch):
    """Written in the workers: joining them here writes nothing again."""
    ready = netkit.find_all_partners(sample_system("riverside"), jobs=2, prepare="json")
    expected = json.dumps(to_jsonable(ready.to_dict()), indent=2, ensure_ascii=False)

    def written_again(self):
        raise AssertionError("a part prepared in a worker was written again")

    monkeypatch.setattr(PartnerSet, "to_dict", written_again)
    assert ready.to_json() == expected


def test_a_part_is_written_once_for_each_format_and_setting():
    ps = riverside_partners("frailty-admissions")
    assert part(ps, "text", 5) is part(ps, "text", 5)
    assert part(ps, "text", 0) is part(ps, "text", None)  # both show everything
    assert part(ps, "text", 5) != part(ps, "text", 5, width=60)
    assert part(ps, "markdown", 5) == ps.to_markdown(5, glossary=False)
    assert part(ps, "text", 5, width=60) == ps.to_text(60, 5, glossary=False)


def test_prepare_takes_the_formats_written_in_parts_only():
    with pytest.raises(OptionError) as error:
        netkit.find_all_partners(sample_system("tiny"), prepare="xlsx")
    assert str(error.value) == ("prepare='xlsx': the reports written in parts are json, text, "
                                "markdown and html")


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_the_command_line_writes_the_same_report_prepared_or_not(fmt):
    tiny = sample_system("tiny")
    expected = {"json": lambda r: r.to_json() + "\n", "text": lambda r: r.to_text(top=3),
                "markdown": lambda r: r.to_markdown(top=3)}[fmt](netkit.find_all_partners(tiny))
    result = CliRunner().invoke(cli, ["partners", str(netkit.sample_path("tiny")), "--all",
                                      "-f", fmt, "--top", "3", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected

