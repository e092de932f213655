"""The fast paths against the libraries they stand in for: identical answers, and how much faster.

    python bench/fastpaths.py             # 100,000 values of each kind
    python bench/fastpaths.py --n 20000

For each fast path (Chinese mobile numbers from phonenumbers' own CN patterns; plain ASCII e-mail
addresses with email-validator's own special-use list; ID division codes from stdnum's own table,
indexed; public IPv4 from ranges of ipaddress's own networks; domains, where an all-ASCII LDH name needs
no UTS 46 mapping and an IDN is mapped once, its mapped name kept as the U-label form), it draws N
values of the shapes real filings hold and near them, compares every answer with the library's, and
prints the rates side by side.
Any mismatch is printed and makes the script exit 1.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Callable
from typing import Any

from icprules.identifiers import ric
from icprules.primitives.contact import cn_mobile_fast, email_valid, email_valid_full, phone_facts_full
from icprules.primitives.network import DomainError, _public_full, ipv4_public, parse_domain

PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150", "151", "152",
            "155", "156", "157", "158", "159", "162", "165", "166", "167", "170", "171", "172", "173", "175", "176",
            "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "190", "191", "192",
            "193", "195", "196", "197", "198", "199", "100", "106", "110", "120", "140", "160", "174", "179", "194"]
TLDS = ["cn", "com", "net", "org", "com.cn", "net.cn", "io", "top", "xyz", "test", "local", "onion", "c", "123"]


def phones(n: int, rnd: random.Random) -> list[str]:
    return [rnd.choice(PREFIXES) + "".join(rnd.choice(string.digits) for _ in range(8)) for _ in range(n)]


def emails(n: int, rnd: random.Random) -> list[str]:
    out = []
    chars = string.ascii_lowercase + string.digits
    for i in range(n):
        local = "".join(rnd.choice(chars + "._+-") for _ in range(rnd.randint(1, 16))).strip(".") or "a"
        domain = "".join(rnd.choice(chars + "-") for _ in range(rnd.randint(1, 12))).strip("-") or "b"
        out.append(f"{local}{i % 7 or ''}@{domain}.{rnd.choice(TLDS)}")
    return out


def timed(func: Callable[[str], Any], values: list[str]) -> tuple[float, list[Any]]:
    start = time.perf_counter()
    answers = [func(v) for v in values]
    return len(values) / (time.perf_counter() - start), answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    rnd = random.Random(17)
    failed = False

    numbers = phones(args.n, rnd)
    slow_rate, slow = timed(lambda v: phone_facts_full(v, "CN"), numbers)
    fast_rate, fast = timed(lambda v: cn_mobile_fast(v) or phone_facts_full(v, "CN"), numbers)
    taken = sum(cn_mobile_fast(v) is not None for v in numbers)
    wrong = [v for v, a, b in zip(numbers, fast, slow, strict=True) if a != b]
    print(f"phones   {args.n:>7} values: library {slow_rate:>9,.0f}/s  fast path {fast_rate:>9,.0f}/s  "
          f"{fast_rate / slow_rate:5.1f}x  (fast path taken {taken / args.n:.0%}; mismatches {len(wrong)})")
    failed |= bool(wrong)
    for v in wrong[:5]:
        print("  mismatch:", v)

    addresses = emails(args.n, rnd)
    slow_rate, slow = timed(email_valid_full, addresses)
    fast_rate, fast = timed(email_valid, addresses)
    wrong = [v for v, a, b in zip(addresses, fast, slow, strict=True) if a != b]
    print(f"e-mails  {args.n:>7} values: library {slow_rate:>9,.0f}/s  fast path {fast_rate:>9,.0f}/s  "
          f"{fast_rate / slow_rate:5.1f}x  (mismatches {len(wrong)})")
    failed |= bool(wrong)
    for v in wrong[:5]:
        print("  mismatch:", v)
    known = list(ric._division_index())
    codes = [rnd.choice(known) if rnd.random() < 0.9 else f"{rnd.randrange(10 ** 6):06d}" for _ in range(args.n)]

    def full_division(code: str) -> Any:
        ric.division_years_full.cache_clear()  # values first seen, as in a check
        return ric.division_years_full(code)

    slow_rate, slow = timed(full_division, codes)
    fast_rate, fast = timed(ric.division_years, codes)
    wrong = [v for v, a, b in zip(codes, fast, slow, strict=True) if a != b]
    print(f"divisions {args.n:>6} values: library {slow_rate:>9,.0f}/s  fast path {fast_rate:>9,.0f}/s  "
          f"{fast_rate / slow_rate:5.1f}x  (mismatches {len(wrong)})")
    failed |= bool(wrong)

    import ipaddress

    addresses4 = [".".join(str(rnd.randrange(256)) for _ in range(4)) for _ in range(args.n)]
    slow_rate, slow = timed(lambda v: _public_full(ipaddress.ip_address(v)), addresses4)
    fast_rate, fast = timed(ipv4_public, addresses4)
    wrong = [v for v, a, b in zip(addresses4, fast, slow, strict=True) if a != b]
    print(f"IPv4     {args.n:>7} values: library {slow_rate:>9,.0f}/s  fast path {fast_rate:>9,.0f}/s  "
          f"{fast_rate / slow_rate:5.1f}x  (mismatches {len(wrong)})")
    failed |= bool(wrong)

    import idna

    def by_idna(host: str) -> Any:
        """The library's answer: UTS 46 and IDNA 2008 by encode, then ToUnicode by decode."""
        try:
            ascii_form = idna.encode(host, uts46=True).decode("ascii")
            return ascii_form.lower(), (idna.decode(ascii_form) if "xn--" in ascii_form else ascii_form.lower())
        except (idna.IDNAError, UnicodeError):
            return "error"

    def by_icprules(host: str) -> Any:
        try:
            return parse_domain.__wrapped__(host)  # not memoised: every value computed
        except DomainError as exc:
            return "error" if exc.code == "domain_invalid" else f"refused:{exc.code}"

    hosts = domains(args.n, rnd)
    slow_rate, slow = timed(by_idna, hosts)
    fast_rate, fast = timed(by_icprules, hosts)
    wrong = [v for v, a, b in zip(hosts, fast, slow, strict=True)
             if not (isinstance(a, str) and a.startswith("refused:")) and a != b]
    print(f"domains  {args.n:>7} values: library {slow_rate:>9,.0f}/s  fast path {fast_rate:>9,.0f}/s  "
          f"{fast_rate / slow_rate:5.1f}x  (mismatches {len(wrong)}; "
          f"{sum(isinstance(a, str) and a.startswith('refused:') for a in fast)} refused before IDNA by both)")
    for v in wrong[:5]:
        print("  mismatch:", repr(v))
    failed |= bool(wrong)
    sys.exit(1 if failed else 0)


#: Labels as filings write them, and near them: CJK, full-width, accented, upper case, A-labels,
#: hyphens where IDNA refuses them, characters it maps (ß, ZWJ, full-width dots) or refuses.
LABEL_PIECES = ["示例", "中国", "公司", "网络", "商城", "ＥＸＡＭＰＬＥ", "Bücher", "faß", "é", "e\u0301", "a\u200db",
                "١٢", "xn--fsqu00a", "xn--fiqs8s", "XN--55QX5D", "ab--c", "-a", "a-", "shop", "api", "Www", "m",
                "x_y", "①"]


def domains(n: int, rnd: random.Random) -> list[str]:
    """Six in ten plain ASCII names, three in ten Chinese IDNs, one in ten drawn from the odd pieces."""
    out = []
    for i in range(n):
        kind = rnd.random()
        if kind < 0.6:
            labels = [rnd.choice(["www", "shop", "api", "m", "Example", "data-1"]) + str(i)]
            labels.append(rnd.choice(["cn", "com.cn", "com", "net", "COM.CN"]))
        elif kind < 0.9:
            labels = [rnd.choice(["示例", "中国", "公司", "网络", "商城"]) + str(i),
                      rnd.choice(["中国", "cn", "公司", "com"])]
        else:
            labels = ["".join(rnd.choice(LABEL_PIECES) for _ in range(rnd.randint(1, 2))) + str(i),
                      rnd.choice(["cn", "com.cn", "中国", "ＣＮ", "xn--fiqs8s"])]
        out.append(rnd.choice([".", "。"]).join(labels) if rnd.random() < 0.05 else ".".join(labels))
    return out


if __name__ == "__main__":
    main()
