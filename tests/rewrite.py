"""The subset of Apache mod_rewrite that deploy/w3id/.htaccess uses, to test its redirects without an Apache.

Per-directory context: the path matched has no leading slash. Supported: ``RewriteCond %{VAR} [!]regex [NC,OR]``,
``RewriteRule regex target [R=nnn,L,NC,NE,QSA]`` with ``$n`` back-references; a target without ``?`` keeps the
request's query string (as Apache does), one with ``?`` drops it unless QSA.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Cond:
    variable: str
    pattern: re.Pattern
    negate: bool
    either: bool  # [OR]


@dataclass
class Rule:
    pattern: re.Pattern
    target: str
    flags: dict[str, str]
    conds: list[Cond] = field(default_factory=list)


def _flags(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    out = {}
    for flag in text.strip("[]").split(","):
        name, _, value = flag.partition("=")
        out[name.strip().upper()] = value.strip()
    return out


def parse_htaccess(text: str) -> list[Rule]:
    rules: list[Rule] = []
    pending: list[Cond] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line, posix=False)
        directive = words[0]
        if directive in ("Options", "RewriteEngine"):
            continue
        if directive == "RewriteCond":
            variable, pattern, *rest = words[1:]
            flags = _flags(rest[0] if rest else None)
            negate = pattern.startswith("!")
            regex = re.compile(pattern.lstrip("!"), re.IGNORECASE if "NC" in flags else 0)
            pending.append(Cond(variable, regex, negate, "OR" in flags))
        elif directive == "RewriteRule":
            pattern, target, *rest = words[1:]
            flags = _flags(rest[0] if rest else None)
            rules.append(Rule(re.compile(pattern, re.IGNORECASE if "NC" in flags else 0), target, flags, pending))
            pending = []
        else:
            raise ValueError(f"unsupported directive: {line}")
    return rules


def _conds_hold(conds: list[Cond], env: dict[str, str]) -> bool:
    result, previous_or = True, False
    for i, cond in enumerate(conds):
        value = env.get(re.fullmatch(r"%\{(\w+)\}", cond.variable).group(1), "")
        ok = bool(cond.pattern.search(value)) != cond.negate
        if previous_or:
            result = result or ok
        elif i == 0:
            result = ok
        else:
            result = result and ok
        previous_or = cond.either
    return result


def apply_rules(
    rules: list[Rule], path: str, env: dict[str, str], query: str = ""
) -> tuple[int, str] | tuple[None, None]:
    """(status, Location) of the first redirecting rule that applies to ``path`` (no leading slash).

    (None, None) when no rule redirects.
    """
    for rule in rules:
        m = rule.pattern.search(path)
        if not m or not _conds_hold(rule.conds, env):
            continue
        target = re.sub(r"\$(\d)", lambda g, m=m: m.group(int(g.group(1))) or "", rule.target)
        if query:
            if "?" not in target:
                target += "?" + query
            elif "QSA" in rule.flags:
                target += "&" + query
        if "R" in rule.flags:
            return int(rule.flags["R"] or 302), target
        path = target
        if "L" in rule.flags:
            break
    return None, None
