"""Domains (idna, publicsuffixlist) and IP addresses (ipaddress)."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import idna
from publicsuffixlist import PublicSuffixList

from ..context import Env
from ..paths import MISSING
from ..registry import check, transform, why
from ..tables import table

if TYPE_CHECKING:
    from ..data import DataStore

_DOTS = re.compile("[\u3002\uff0e\uff61]")  # ideographic and full-width full stops
#: Labels of letters, digits and inner hyphens, 1-63 long, none with "--" in positions 3-4 (an
#: "xn--" label or a reserved one: idna decides those).
_LABEL = r"(?!-)(?!..--)[a-z0-9-]{1,63}(?<!-)"
_LDH = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$")
#: What ipaddress can read as an address once ":" is refused: IPv4 is ASCII digits and dots only.
_DIGITS_AND_DOTS = re.compile(r"[0-9.]+")


def psl(only_icann: bool = True) -> PublicSuffixList:
    """The bundled Public Suffix List (offline; loaded once, on first use).

    A registry sees the registrable domain under an ICANN suffix: ``myapp.herokuapp.com`` is a
    sub-domain of ``herokuapp.com``, which the applicant does not hold, even though the list's
    private section makes ``herokuapp.com`` a suffix too. So registrable domains come from the
    ICANN section (``only_icann=True``); the whole list is loaded only to name the platform of a
    sub-domain (:func:`platform_suffix`).

    Loaded without the punycode copy of each IDN rule (``accept_encoded_idn=False``), which makes
    loading three times faster (10 ms instead of 30); the list is asked in the Unicode form.
    Both are :mod:`icprules.tables`, which the rule-set cache keeps.
    """
    return _psl_icann() if only_icann else _psl_whole()


@table("public-suffix-list-icann")
def _psl_icann() -> PublicSuffixList:
    return PublicSuffixList(accept_encoded_idn=False, only_icann=True)


@table("public-suffix-list")
def _psl_whole() -> PublicSuffixList:
    return PublicSuffixList(accept_encoded_idn=False, only_icann=False)


class DomainError(ValueError):
    """Not a usable domain; ``code`` is a reason in data/reasons.yaml."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@lru_cache(maxsize=4096)
def parse_domain(text: str) -> tuple[str, str]:
    """(A-label form, U-label form) of a host name, or :class:`DomainError`.

    Accepts Unicode (例子.中国) and punycode (xn--fsqu00a.xn--fiqs8s), any case, with a
    trailing dot. Refuses what is not a bare host name: schemes, paths, ports,
    wildcards, IP literals. Normalisation is idempotent: parsing either output gives it back.
    """
    raw = text.strip()
    if "://" in raw or raw.startswith("//"):
        raise DomainError("domain_scheme")
    if any(c in raw for c in "/?#@"):
        raise DomainError("domain_path")
    if "*" in raw:
        raise DomainError("domain_wildcard")
    if ":" in raw or raw.startswith("["):
        raise DomainError("domain_port")
    host = _DOTS.sub(".", raw).rstrip(".")
    if _DIGITS_AND_DOTS.fullmatch(host):  # only these can be an IP address here (":" is refused above)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            raise DomainError("domain_is_ip")
    if not host or "." not in host:
        raise DomainError("domain_one_label")
    if all(label.isdigit() for label in host.split(".")):
        raise DomainError("domain_numeric")  # 256.0.0.0, 192.168.0.9999: a broken IP address, not a name
    if len(host) > 253:
        raise DomainError("domain_too_long")
    lower = host.lower()
    if _LDH.match(lower):
        # An all-ASCII letters-digits-hyphens name: UTS 46 maps it to its lower case and IDNA has
        # nothing else to check (about 20 times faster than idna; tests/test_domains.py proves the
        # two give the same answer). Anything else goes through idna below.
        return lower, lower
    try:
        # idna.encode(host, uts46=True) is exactly this mapping, then each label's checks and
        # punycode. Mapping once keeps the mapped name, which *is* the U-label form unless a label
        # was written as an A-label ("xn--..."): only then is ToUnicode needed. That halves an IDN's
        # cost; tests/test_domains.py proves the answers identical to encode-then-decode.
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
        ascii_form = idna.encode(mapped).decode("ascii")
        if any(label.startswith("xn--") for label in mapped.split(".")):
            unicode_form = idna.decode(ascii_form)
        else:
            unicode_form = mapped
    except (idna.IDNAError, UnicodeError) as exc:
        raise DomainError("domain_invalid", detail=str(exc)[:80]) from None
    return ascii_form.lower(), unicode_form


#: A parsed domain: (A-label form, U-label form), as parse_domain gives it.
Forms = tuple[str, str]


def registrable(ascii_domain: str) -> str | None:
    """The registrable domain ("example.com.cn" for "a.b.example.com.cn"), or None. Takes and gives
    the A-label form."""
    try:
        return registrable_of(parse_domain(ascii_domain))
    except DomainError:
        return None


@lru_cache(maxsize=4096)
def registrable_of(forms: Forms) -> str | None:
    """The registrable domain of a parsed domain, in the A-label form.

    The list is asked in the U-label form (see :func:`psl`); IDNA maps label by label, so the
    answer's labels are the same last labels of either form. Taking the parsed forms, not a name,
    saves parsing an IDN a second time from its A-label form. Kept, as parse_domain is: a domain's
    check, its level, its registrable domain and its canonical form each ask.
    """
    ascii_form, unicode_form = forms
    found = psl().privatesuffix(unicode_form)
    if not found:
        return None
    labels = str(found).count(".") + 1
    return ".".join(ascii_form.split(".")[-labels:])


def platform_suffix(ascii_domain: str, reg: str | None = None) -> str | None:
    """The platform a sub-domain belongs to (``herokuapp.com`` for ``myapp.herokuapp.com``), or None.

    A suffix of the list's private section: a platform that hands out sub-domains of its own
    domain. Only a name below a registrable domain can be one, so the whole list is loaded only then.
    ``reg``: its registrable domain, when the caller has it already.
    """
    try:
        return platform_of(parse_domain(ascii_domain), reg)
    except DomainError:
        return None


def platform_of(forms: Forms, reg: str | None = None) -> str | None:
    """:func:`platform_suffix` of a parsed domain."""
    ascii_form, unicode_form = forms
    reg = reg or registrable_of(forms)
    if reg is None or reg == ascii_form:
        return None
    private = psl(only_icann=False).publicsuffix(unicode_form)
    icann = psl().publicsuffix(unicode_form)
    if not private or not icann or private == icann:
        return None
    labels = str(private).count(".") + 1
    return ".".join(ascii_form.split(".")[-labels:])


def level(ascii_domain: str) -> int | None:
    """Level counted from the registrable domain: example.com.cn is 2, b.a.example.com.cn is 4."""
    try:
        return level_of(parse_domain(ascii_domain))
    except DomainError:
        return None


def level_of(forms: Forms) -> int | None:
    """:func:`level` of a parsed domain."""
    reg = registrable_of(forms)
    if reg is None:
        return None
    return 2 + forms[0].count(".") - reg.count(".")


@check("domain", doc={"zh": "合法的域名（支持中文域名）：不带协议、路径、端口、通配符，也不是 IP 地址",
                      "en": "a well-formed domain name (IDN accepted): no scheme, path, port or wildcard, not an IP"})
def _domain(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str):
        return False, why("not_text")
    try:
        forms = parse_domain(value)
    except DomainError as exc:
        return False, why(exc.code, **exc.params)
    reg = registrable_of(forms)
    if reg is None:
        return False, why("domain_bare_suffix")
    platform = platform_of(forms, reg)
    if platform is not None:
        return False, why("domain_platform", platform=platform)
    return True


def _prepare_tlds(params: dict[str, Any], _data: DataStore) -> dict[str, Any]:
    def names(entries: Any) -> frozenset[str]:
        return frozenset(parse_tld(str(e["tld"] if isinstance(e, dict) else e)) for e in entries)

    refused = params.get("refused")
    return {"approved": names(params["approved"]), "refused": None if refused is None else names(refused)}


def parse_tld(name: str) -> str:
    name = name.strip().lstrip(".").lower()
    try:
        return idna.encode(name, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        return name


@check(
    "domain_tld_approved",
    params={"type": "object", "required": ["approved"], "additionalProperties": False,
            "properties": {"approved": {"type": "array", "description": "approved TLDs (or rows with 'tld')"},
                           "refused": {"anyOf": [{"type": "array"}, {"type": "object"}],
                                       "description": "TLDs known not to be approved: when given, only these "
                                                      "fail (a TLD on neither list passes)"}}},
    doc={"zh": "域名的顶级域在工信部批准的列表中（给出 refused 时：不在已知未批准的列表中）",
         "en": "the domain's top-level domain is on MIIT's approved list (with refused: is not a known refused one)"},
    prepare=_prepare_tlds,
)
def _tld_approved(value: Any, params: Any, _env: Env) -> Any:
    try:
        ascii_form, unicode_form = parse_domain(str(value))
    except DomainError:
        return True  # the domain rule reports malformed domains
    tld = ascii_form.rsplit(".", 1)[-1]
    shown = {"tld": "." + unicode_form.rsplit(".", 1)[-1]}
    refused = params["refused"]
    if refused is not None:
        return tld not in refused or tld in params["approved"], shown
    return tld in params["approved"], shown


@transform("domain_level", doc={"zh": "域名级数（从可注册域名算起，example.com.cn 为二级）",
                                "en": "domain level counted from the registrable domain (example.com.cn is 2)"})
def _domain_level(value: Any, _params: Any) -> Any:
    return _on_forms(value, level_of)


def _on_forms(value: Any, func: Any) -> Any:
    """``func`` of the parsed domain; absent when the domain does not parse or ``func`` gives None."""
    try:
        found = func(parse_domain(str(value)))
    except DomainError:
        return MISSING
    return MISSING if found is None else found


@transform("domain_ascii", doc={"zh": "域名的规范 ASCII 形式（Punycode，小写）",
                                "en": "the canonical ASCII form of a domain (punycode, lower case)"})
def _domain_ascii(value: Any, _params: Any) -> Any:
    return _on_forms(value, lambda forms: forms[0])


@transform("registrable_domain", doc={"zh": "可注册域名（主域名）", "en": "the registrable domain"})
def _registrable(value: Any, _params: Any) -> Any:
    return _on_forms(value, registrable_of)


_DOTTED = re.compile(r"(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})")


@lru_cache(maxsize=1)
def _ipv4_public_ranges() -> tuple[list[int], list[bool]]:
    """Where IPv4 addresses are public, as sorted range starts and their answers.

    Built from ipaddress's own data: every network its IPv4 constants name bounds a range, and each
    range's answer is the library's own for the range's first address (membership, so the answer,
    changes only at those bounds). tests/test_fast_paths.py proves the answers identical.
    """
    bounds = {0, 2 ** 32}
    constants = ipaddress._IPv4Constants  # type: ignore[attr-defined]  # private in typeshed: the library's own table
    for value in vars(constants).values():
        networks = value if isinstance(value, (list, tuple)) else [value]
        for net in networks:
            if isinstance(net, ipaddress.IPv4Network):
                bounds.update((int(net.network_address), int(net.broadcast_address) + 1))
    starts = sorted(b for b in bounds if b < 2 ** 32)
    return starts, [_public_full(ipaddress.IPv4Address(start)) for start in starts]


def _public_full(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return bool(addr.is_global and not addr.is_multicast)


def ipv4_public(text: str) -> bool | None:
    """Whether a dotted IPv4 address is public, from integer ranges of ipaddress's own data; None
    when the text is not a plain dotted quad (ipaddress then decides)."""
    import bisect

    found = _DOTTED.fullmatch(text)
    if found is None:
        return None
    octets = [int(part) for part in found.groups()]
    if max(octets) > 255:
        return None
    number = (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]
    starts, answers = _ipv4_public_ranges()
    return answers[bisect.bisect_right(starts, number) - 1]


@check("public_ip", doc={"zh": "有效的公网 IPv4 或 IPv6 地址（非内网、回环、保留、组播地址）",
                         "en": "a valid public IPv4 or IPv6 address (not private, loopback, reserved or multicast)"})
def _public_ip(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str):
        return False, why("not_text")
    text = value.strip()
    public = ipv4_public(text)
    if public is None:
        try:
            public = _public_full(ipaddress.ip_address(text))
        except ValueError:
            return False, _why_not_an_address(text)
    return True if public else (False, why("ip_not_public"))


#: A dotted quad with an octet written with leading zeros ("52.83.10.021").
_PADDED = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


def _why_not_an_address(text: str) -> dict[str, Any]:
    """Why ``text`` is no IP address; for an octet padded with zeros, which ipaddress refuses because
    some systems read it as octal, the address meant without them."""
    found = _PADDED.fullmatch(text)
    if found and all(int(part) <= 255 for part in found.groups()):
        return why("ip_leading_zero", address=".".join(str(int(part)) for part in found.groups()))
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) > 1 and all(_is_address(p) for p in parts):
        return why("ip_several", count=len(parts))
    return why("ip_invalid")


#: What people put between addresses written as one value: commas (either width), semicolons, 、, blanks.
_SEPARATORS = re.compile(r"[\s,，;；、]+")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
