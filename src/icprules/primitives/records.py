"""Record numbers and the filing timeline, as primitives rules can call."""

from __future__ import annotations

from typing import Any

from ..context import Env
from ..identifiers import record_number as rn
from ..paths import MISSING
from ..registry import check, transform, why
from ..timeline import add_working_days
from .identity import as_date


@check(
    "record_number",
    params={"type": "object", "additionalProperties": False,
            "properties": {"kinds": {"type": "array", "items": {"enum": ["filing", "licence", "value_added",
                                                                             "police"]}},
                           "service": {"enum": ["required", "forbidden", "any"]}}},
    doc={"zh": "有效的备案号（可限定种类，以及是否须带服务序号）",
         "en": "a valid record number (of the given kinds; with or without a service index)"},
)
def _record_number(value: Any, params: Any, _env: Env) -> Any:
    try:
        number = rn.parse(value)
    except rn.RecordNumberError as exc:
        return False, why(exc.code, **exc.params)
    kinds = params.get("kinds")
    if kinds and number.kind not in kinds:
        return False, why("record_wrong_kind", kind=number.kind, kinds=", ".join(kinds))
    service = params.get("service", "any")
    if service == "required" and number.service is None:
        return False, why("record_no_service")
    if service == "forbidden" and number.service is not None:
        return False, why("record_is_service", entity=number.entity_number)
    return True


@transform("record_service_type", doc={"zh": "备案号对应的服务类型（由后缀判断：无后缀为网站，A 为APP）",
                                       "en": "the service type a record number's suffix names (none: website, A: APP)"})
def _record_service_type(value: Any, _params: Any) -> Any:
    try:
        found = rn.parse(value).service_type
    except rn.RecordNumberError:
        return MISSING
    return MISSING if found is None else found


@transform("record_number", doc={"zh": "备案号的规范写法（如 京ICP备04000001号-1）",
                                 "en": "a record number's canonical spelling (such as 京ICP备04000001号-1)"})
def _record_number_canonical(value: Any, _params: Any) -> Any:
    try:
        return rn.validate(value)
    except rn.RecordNumberError:
        return MISSING


@transform("record_entity", doc={"zh": "备案号的主体部分（去掉服务序号）",
                                 "en": "the entity part of a record number (without the service index)"})
def _record_entity(value: Any, _params: Any) -> Any:
    try:
        return rn.parse(value).entity_number
    except rn.RecordNumberError:
        return MISSING


@check(
    "calendar_covers",
    params={"type": "object", "required": ["working_days"], "additionalProperties": False,
            "properties": {"working_days": {"type": "integer", "minimum": 0}}},
    doc={"zh": "官方节假日数据覆盖从提交日起的若干工作日（否则按周一至周五估算）",
         "en": "the official holiday data covers the given working days from submission "
               "(otherwise Monday to Friday is an estimate)"},
)
def _calendar_covers(value: Any, params: Any, env: Env) -> Any:
    start = as_date(value.get("submitted_on")) if isinstance(value, dict) else None
    start = start or env.today
    try:
        end, official = add_working_days(start, int(params["working_days"]))
    except OverflowError:  # a start at the end of the calendar: the plausibility rule says so
        return True
    return official, {"start": start.isoformat(), "end": end.isoformat()}
