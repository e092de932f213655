"""The reference, generated from the loaded rules and data, in Chinese or English.

``icprules docs --lang zh --out docs/reference/zh`` writes an index, one page per rule
pack (every rule: what it checks, where it applies, its message and source) and one
page per data table. Output is deterministic, so the committed copy is tested for drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..data import ui
from ..ruleset.model import Rule, RuleSet
from .formats import cite
from .locale import date_text


def _esc(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    head = list(header)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out.extend("| " + " | ".join(_esc(c) for c in row) + " |" for row in rows)
    return out


def _as_of(meta: Mapping[str, Any], lang: str) -> str:
    day = meta.get("as_of")
    return date_text(day, lang) if isinstance(day, dt.date) else str(day)


def _scope(values: frozenset[str] | None, t: Mapping[str, str]) -> str:
    return ", ".join(sorted(values)) if values else t["any"]


def _rule(rule: Rule, lang: str, titles: Mapping[str, Any]) -> list[str]:
    t = ui("reference", lang)
    each = ", ".join(f"`{text}`" for _, _, text in rule.each) or t["document"]
    lines = [
        f"### `{rule.id}` — {rule.title.get(lang, '')}",
        "",
        f"- {t['severity']}: **{t[rule.severity]}**",
        f"- {t['applies']}: {t['services']} {_scope(rule.services, t)}; {t['operations']} "
        f"{_scope(rule.operations, t)}; {t['providers']} {_scope(rule.providers, t)}",
        f"- {t['each']}: {each}",
    ]
    if rule.when is not None:
        lines.append(f"- {t['when']}: `{rule.when.describe()}`")
    lines.append(f"- {t['check']}: `{rule.assert_.describe()}`")
    if rule.path:
        from ..paths import format_path

        lines.append(f"- {t['field']}: `{format_path(rule.path)}`")
    lines.append(f"- {t['message']}: {rule.message.get(lang, '')}")
    lines.extend(f"- {t['source']}: {cite(s, titles, lang)}" for s in rule.source)
    lines.append("")
    return lines


def pages(rules: RuleSet, lang: str) -> dict[str, str]:
    """File name → Markdown text, for every page of the reference."""
    t = ui("reference", lang)
    data = rules.data
    titles = data.files.get("sources", {}).get("documents", {})
    out: dict[str, str] = {}
    by_pack: dict[str, list[Rule]] = {}
    for rule in rules.rules:
        by_pack.setdefault(rule.pack, []).append(rule)

    index = [f"# {t['title']}", "", t["intro"], "", f"## {t['packs']}", ""]
    for pack in rules.packs:
        count = len(by_pack.get(pack.name, []))
        title = pack.title.get(lang, pack.name)
        index.append(f"- [{title}](packs/{pack.name}.md) — `{pack.name}`, {count} {t['rules']}")
    data_pages = [("provinces", t["provinces"]), ("banned-terms", t["banned"]), ("approved-tlds", t["tlds"]),
                  ("materials", t["materials"]), ("certificate-types", t["certs"])]
    index += ["", f"## {t['data']}", ""]
    index += [f"- [{title}](data/{name}.md)" for name, title in data_pages]
    index += ["", f"## {t['sources']}", ""]
    for doc_id, doc in titles.items():
        url = f" <{doc['url']}>" if doc.get("url") else ""
        index.append(f"- `{doc_id}`: {doc['title'].get(lang, doc_id)}{url}")
    out["index.md"] = "\n".join(index) + "\n"

    for pack in rules.packs:
        lines = [f"# {pack.title.get(lang, pack.name)}", "", pack.description.get(lang, ""), ""]
        facts = [(n, s) for n, s in rules.fact_specs.items() if rules.defined_in.get(n) == pack.name]
        if facts:
            lines += [f"## {t['facts']}", ""]
            lines += [f"- `{n}`: {s.get('description', {}).get(lang, '')}" for n, s in facts]
            lines.append("")
        for name, decision in rules.decisions.items():
            if rules.defined_in.get(name) == pack.name:
                lines += [f"## {t['decisions']}: `{name}`", ""]
                for option in decision.options:
                    cond = f"`{option.when.describe()}`" if option.when else "—"
                    lines.append(f"- **{option.result}** ← {cond}: {option.reason.get(lang, '')}")
                lines.append("")
        for rule in by_pack.get(pack.name, []):
            lines += _rule(rule, lang, titles)
        out[f"packs/{pack.name}.md"] = "\n".join(lines).rstrip() + "\n"

    out.update(_data_pages(rules, lang))
    return out


def _data_pages(rules: RuleSet, lang: str) -> dict[str, str]:
    t = ui("reference", lang)
    data = rules.data
    nm = "name_zh" if lang == "zh" else "name_en"
    out: dict[str, str] = {}

    def header(name: str, title: str) -> list[str]:
        meta = data.meta(name)
        sources = meta["source"] if isinstance(meta["source"], list) else [meta["source"]]
        return [f"# {title}", "", f"{t['as_of']}: {_as_of(meta, lang)}", "",
                *[f"- {t['from']}: {s}" for s in sources], ""]

    provinces = data.resolve("provinces.provinces")
    commitment = set(data.resolve("provinces.commitment_letter_electronic"))
    unsupported = set(data.resolve("providers.providers.nwcd.unsupported_provinces"))
    rows = []
    for p in provinces:
        notes = [t["commitment"]] if p["code"] in commitment else []
        notes += [t["unsupported"]] if p["code"] in unsupported else []
        rows.append([p["code"], p[nm], p["gb2260"], p["abbr"], ", ".join(p.get("abbr_aliases", [])), "; ".join(notes)])
    out["data/provinces.md"] = "\n".join(header("provinces", t["provinces"]) + _table(
        [t["code"], t["name"], "GB/T 2260", t["abbr"], t["aliases"], t["notes"]], rows)) + "\n"

    terms = data.resolve("banned_terms.website_name")
    out["data/banned-terms.md"] = "\n".join(header("banned_terms", t["banned"]) + _table(
        [t["term"], t["severity"], t["source"]], [[r["term"], t[r["severity"]], r["source"]] for r in terms])) + "\n"

    approved = data.resolve("approved_tlds.approved")
    tld_list = " ".join(f"`.{x}`" for x in approved)
    lines = [*header("approved_tlds", t["tlds"]), f"## {t['approved']}", "", tld_list, "",
             f"## {t['not_approved']}", ""]
    lines += _table([t["code"], t["note"]], [[f".{k}", v["note"]] for k, v in
                                            data.resolve("approved_tlds.not_approved").items()])
    out["data/approved-tlds.md"] = "\n".join(lines) + "\n"

    specs = data.resolve("attachment_specs.specs")
    rows = []
    for m in rules.materials:
        spec = specs.get(m.spec or "", {})
        spec_text = (f"{t['kb']} {spec['min_kb']}–{spec['max_kb']}K, {t['resolution']} ≥ {spec['min_width']}×"
                     f"{spec['min_height']}, {t['colour']}") if spec else ""
        level = t["optional"] if m.level == "info" else t["required"]
        if m.via is not None:
            level += f"; {t['via']}"
        scope = m.rule.spec.get("each") or ("entity" if m.rule.path[:1] == ("entity",) else "application")
        rows.append([f"`{m.id}`", m.name.get(lang, m.id), str(scope), level, m.reason.get(lang, ""), spec_text])
    columns = ["id", t["name"], t["scope"], t["level"], t["reason"], t["spec"]]
    out["data/materials.md"] = "\n".join([f"# {t['materials']}", "", *_table(columns, rows)]) + "\n"

    certs = data.resolve("certificate_types.entity_certificates")
    ids = data.resolve("certificate_types.person_ids")
    lines = [*header("certificate_types", t["certs"]), f"## {t['entity_certs']}", ""]
    lines += _table([t["code"], t["name"], t["natures"], t["electronic"]],
                    [[k, v[nm], ", ".join(v.get("natures", [])), t["yes"] if v.get("electronic") else t["no"]]
                     for k, v in certs.items()])
    lines += ["", f"## {t['person_ids']}", ""]
    lines += _table([t["code"], t["name"], t["electronic"]],
                    [[k, v[nm], t["yes"] if v.get("electronic") else t["no"]] for k, v in ids.items()])
    out["data/certificate-types.md"] = "\n".join(lines) + "\n"
    return out


def write(rules: RuleSet, lang: str, out_dir: Path) -> list[Path]:
    """Write the reference under ``out_dir``; returns the files written."""
    written = []
    for name, text in sorted(pages(rules, lang).items()):
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
