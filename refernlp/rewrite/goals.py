"""What the sender wants, said plainly: the words of an ask and the statements a rewrite makes of them.

Shared by the in-place fixes (:mod:`.edits`) and the second-degree conversion (:mod:`.cold`).
"""

from __future__ import annotations

import re
from typing import Mapping

#: "if you hear of any ds/ml roles": what the sender is looking for, said in a condition of the ask
_LOOKING = re.compile(
    r"(?i)(?:^|[\s,;(])\s*(?:if|should|when|whenever|in case)\s+(?:you|u|anyone|anybody|someone|somebody|your\s+(?:team|company|network|firm))\s+"
    r"(?:ever\s+|happen\s+to\s+|happens\s+to\s+)?(?:sees?|hears?\s+(?:of|about)|comes?\s+across|knows?\s+(?:of|about)|spots?|finds?|learns?\s+(?:of|about)|"
    r"(?:become|becomes|are|is)\s+aware\s+of|has|have|needs?)\s+"
    r"(?:of\s+)?(?:any|an|a|some)?\s*(.+?)\s*$"
)
_VAGUE = re.compile(r"(?i)^(?:thing|things|anything|something|openings?|opportunit(?:y|ies)|suitable openings?|one|it|that)\b")


CUE_WORDS = frozenset(
    "refer referral referring referred could would can you your please pls plz any chance for the and me will may "
    "consider submit internal put word good vouch".split()
)

_FILLER = frozenset(
    "i i'd i’d would be a an to if so just like love want wanted hoping hope ask wondering appreciate appreciated greatly "
    "possible grateful welcome value interested kindly humbly really very much from it this that those these doing are you're".split()
)


def own_words(piece: str) -> set[str]:
    """The words of ``piece`` beyond referral words and the filler around them."""
    return {w.lower() for w in re.findall(r"[\w'’]+", piece)} - CUE_WORDS - _FILLER


def looking_for(piece: str) -> str | None:
    """ "If you hear of any finance openings anywhere" -> "I'm looking for finance openings anywhere", or None."""
    m = _LOOKING.search(piece)
    want = re.split(r"\s*[,;:]\s*", m.group(1))[0] if m else ""
    if not want or _VAGUE.match(want) or len(want.split()) > 14:
        return None
    return "I'm looking for " + want.rstrip(" ,;.")


#: how a plain statement of the facts of a dropped clause starts
PLAIN_GOAL = "I'm interested in "


def plain_goal(text: str, cs: int, ce: int, kinds: Mapping[tuple[int, int], str]) -> str | None:
    """ "I've told the hiring manager at Allegro you'll vouch for me for the Category Manager role" ->
    "I'm interested in the Category Manager role at Allegro": the facts of a clause that must go, or None."""
    wanted = looking_for(text[cs:ce])  # "Should you know of any entry-level L&D positions in the North West, ..."
    if wanted:
        return wanted
    inside = {k: text[a:b] for (a, b), k in kinds.items() if cs <= a and b <= ce}
    role, company = inside.get("role"), inside.get("company")
    if role and company:
        what = f"the {role} role at {company}" if role.split()[-1].lower() not in {"role", "position", "job", "opening"} else f"the {role} at {company}"
    elif role:
        what = f"the {role} role" if role.split()[-1].lower() not in {"role", "position", "job", "opening"} else f"the {role}"
    elif company:
        what = f"a role at {company}"
    else:
        return None
    rest = [text[a:b] for (a, b), k in kinds.items() if cs <= a and b <= ce and k not in {"role", "company"}]
    return PLAIN_GOAL + what + (f" ({', '.join(rest)})" if rest else "")
