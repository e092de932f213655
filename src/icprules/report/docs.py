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
        f"- {t['layer']}: {t['layer_' + rule.layer]}; {t['authority']}: {t['authority_' + rule.authority]}; "
        f"{t['effective']}: {_dates(rule, t)}",
        f"- {t['applies']}: {t['services']} {_scope(rule.services, t)}; {t['operations']} "
        f"{_scope(rule.operations, t)}; {t['providers']} {_scope(rule.providers, t)}"
        + (f"; {t['provinces']} {_scope(rule.provinces, t)}" if rule.provinces else ""),
        f"- {t['each']}: {each}",
    ]
    if rule.superseded_by:
        lines.append(f"- {t['superseded_by']}: `{rule.superseded_by}`")
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


def _dates(rule: Rule, t: Mapping[str, str]) -> str:
    if not rule.effective_from and not rule.effective_until:
        return t["always"]
    parts = []
    if rule.effective_from:
        parts.append(f"{t['since']} {rule.effective_from.isoformat()}")
    if rule.effective_until:
        parts.append(f"{t['until']} {rule.effective_until.isoformat()}")
    return " ".join(parts)


def _province_pages(rules: RuleSet, lang: str, titles: Mapping[str, Any]) -> dict[str, str]:
    """One page per province: its own rules and materials (the province layer), with dates and sources."""
    t = ui("reference", lang)
    out: dict[str, str] = {}
    index = [f"# {t['province_pages']}", ""]
    for row in rules.data.resolve("provinces.provinces"):
        code = str(row["code"])
        name = row["name_zh"] if lang == "zh" else row["name_en"]
        own = [r for r in rules.rules if r.provinces and code in r.provinces]
        index.append(f"- [{name}]({code}.md) — `{code}`, {len(own)} {t['rules']}")
        lines = [f"# {name} (`{code}`, {row['abbr']})", ""]
        if not own:
            lines += [t["province_none"], ""]
        else:
            lines += [f"## {t['province_rules']}", ""]
            for rule in own:
                lines += _rule(rule, lang, titles)
        out[f"provinces/{code}.md"] = "\n".join(lines).rstrip() + "\n"
    out["provinces/index.md"] = "\n".join(index) + "\n"
    return out


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
    index += ["", f"- [{t['province_pages']}](provinces/index.md)"]
    index += ["", f"## {t['data']}", "", f"- [{t['materials']}](materials.md)"]
    index += [f"- [{_pick(data.meta(name).get('title', name), lang)}](data/{name}.md) — `data/{name}.yaml`"
              for name in sorted(data.files)]
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
    out.update(_province_pages(rules, lang, titles))
    return out


def _data_pages(rules: RuleSet, lang: str) -> dict[str, str]:
    """One page per data file, drawn from the file itself: its title, sources and date, then its values.

    Nothing here knows a data file by name: a new file, province or provider shows up as it is.
    """
    t = ui("reference", lang)
    data = rules.data
    out: dict[str, str] = {}
    for name in sorted(data.files):
        meta = data.meta(name)
        sources = meta["source"] if isinstance(meta["source"], list) else [meta["source"]]
        lines = [f"# {_pick(meta.get('title', name), lang)}", "", f"`data/{name}.yaml` — {t['as_of']}: "
                 f"{_as_of(meta, lang)}", "", *[f"- {t['from']}: {s}" for s in sources], ""]
        for key, value in data.files[name].items():
            if key != "meta":
                lines += [f"## `{key}`", "", *_value_lines(value, lang), ""]
        out[f"data/{name}.md"] = "\n".join(lines).rstrip() + "\n"

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
    out["materials.md"] = "\n".join([f"# {t['materials']}", "", *_table(columns, rows)]) + "\n"
    return out


def _pick(value: Any, lang: str) -> str:
    """A bilingual ``{zh, en}`` mapping in one language; anything else as text."""
    if isinstance(value, Mapping) and set(value) <= {"zh", "en"} and value:
        return str(value.get(lang) or next(iter(value.values())))
    if isinstance(value, (list, tuple)):
        return ", ".join(_pick(v, lang) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_pick(v, lang)}" for k, v in value.items())
    return date_text(value, lang) if isinstance(value, dt.date) else str(value)


def _columns(rows: Iterable[Mapping[str, Any]], lang: str) -> list[str]:
    """The keys of the rows, in first-seen order, without the other language's ``*_zh``/``*_en`` twins."""
    other = "_en" if lang == "zh" else "_zh"
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(k for k in row if not str(k).endswith(other)))
    return list(seen)


def _value_lines(value: Any, lang: str) -> list[str]:
    """A data value as Markdown: a table for records, a list for words, text for the rest."""
    if isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values()) \
            and not (set(value) <= {"zh", "en"}):
        rows = [{"": k, **v} for k, v in value.items()]
        columns = _columns(rows, lang)
        return _table([f"`{c}`" if c else "" for c in columns], [[_pick(r.get(c, ""), lang) for c in columns]
                                                                 for r in rows])
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        columns = _columns(value, lang)
        return _table([f"`{c}`" for c in columns], [[_pick(r.get(c, ""), lang) for c in columns] for r in value])
    if isinstance(value, list):
        return [" ".join(f"`{_pick(v, lang)}`" for v in value)]
    if isinstance(value, Mapping) and not (set(value) <= {"zh", "en"}):
        return [f"- `{k}`: {_pick(v, lang)}" for k, v in value.items()]
    return [_pick(value, lang)]


def write(rules: RuleSet, lang: str, out_dir: Path) -> list[Path]:
    """Write the reference under ``out_dir``; returns the files written."""
    written = []
    for name, text in sorted(pages(rules, lang).items()):
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
