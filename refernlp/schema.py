"""The vocabulary, once: tasks, labels, relationships, request types, purposes, severities, slots, channels.

Every other module, the CLI's choices, training validation, evaluation and
``schema.json`` take their lists from here, so a label is added or renamed in
one place.
"""

from __future__ import annotations

from dataclasses import dataclass

#: version of the JSON produced by ``Critique.to_dict()``
SCHEMA_VERSION = "2"

REQUEST_TYPES = ("general", "targeted", "none")
TRANSPARENCY = ("high", "low")
POLITENESS = ("polite", "neutral", "impolite")
#: relationship labels a critique can report ("unknown": the text gives no usable clue)
RELATIONSHIPS = ("strong", "weak", "second_degree", "unknown")
#: where a reported relationship came from
RELATIONSHIP_SOURCES = ("given", "inferred")
#: the usual effect of a politeness strategy
POLARITIES = ("positive", "negative", "neutral")
#: relationships a user can give (and rewrites are planned for)
GIVEN_RELATIONSHIPS = ("strong", "weak", "second_degree")
#: spellings accepted from users; ``None`` means "infer it"
RELATIONSHIP_ALIASES: dict[str, str | None] = {
    "strong": "strong",
    "weak": "weak",
    "second_degree": "second_degree",
    "second-degree": "second_degree",
    "unknown": None,
}
#: relationship choices shown by the CLI
RELATIONSHIP_CLI = ("strong", "weak", "second-degree")
#: the main purpose of a message (corpus label; general/targeted drafts are referral_ask or intro_request)
PURPOSES = (
    "referral_ask",
    "intro_request",
    "thanks",
    "catch_up",
    "advice",
    "informational",
    "congratulations",
    "reference_request",
    "announcement",
    "other",
)
#: finding severities, most severe first
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
#: strategies named in text reports; token-level ones (pronouns, lexicon words) stay in JSON only
NOTABLE_STRATEGIES = frozenset({
    "please", "please_start", "hedges", "indirect_btw", "factuality", "deference", "gratitude", "apologizing",
    "greeting", "direct_question", "direct_start", "subjunctive", "indicative", "bare_imperative", "demand",
    "guilt", "presumption", "sarcasm", "swearing", "shouting", "grovelling", "easy_out", "offer_help", "compliment",
})
#: slots whose value is one verbatim span of the draft
SLOT_NAMES = ("company", "role", "recipient_name", "sender_name", "mutual_contact")
#: channels of the corpus (``linkedin_note``: a connection-request note)
CHANNELS = ("linkedin", "linkedin_note", "email", "chat", "sms")
#: where a reported channel came from (given by the user, or inferred from the text)
CHANNEL_SOURCES = ("given", "inferred")
#: channel spellings the CLI offers; "auto" (``None``) means "infer it from the text"
CHANNEL_CLI: dict[str, str | None] = {
    "auto": None,
    "email": "email",
    "linkedin": "linkedin",
    "linkedin-note": "linkedin_note",
    "text": "sms",
    "chat": "chat",
}
#: every spelling accepted from users: the CLI's and the corpus's own
CHANNEL_ALIASES: dict[str, str | None] = {**CHANNEL_CLI, **{c: c for c in CHANNELS}}
#: deliberately hard drafts, by kind (corpus label)
HARD_KINDS = (
    "past_employer_named", "no_refer_word", "company_in_url_only", "job_id_only", "two_companies",
    "role_no_company", "intro_hint_referral", "buried_ask", "other",
)
#: phenomena a draft of corpus v2 was written to show (corpus label; see data/README.md)
PHENOMENA = (
    "targeted_no_referral_word", "general_says_refer", "no_ask_job_talk", "multi_company",
    "tie_recent_event", "tie_long_silence", "tie_single_meeting", "tie_mutual_contact", "tie_alumni_directory",
    "tie_cold", "tie_no_cue",
    "company_lowercase_or_abbrev", "company_with_descriptor", "company_as_your_company", "company_in_link_only",
    "company_link_slug_differs", "role_full_title",
    "implied_ask", "hiring_question_ask", "slang_demand", "mixed_language",
    "slang_deadline", "guilt", "sarcasm_emoji", "passive_aggressive", "presumption",
    "easy_out_softener", "grovelling_formal", "third_party_known_recipient", "friend_asked_to_introduce",
    "thanks_after_referral", "congratulations_note", "catch_up_note", "reference_request_note",
    "informational_request", "advice_request", "layoff_announcement", "unfilled_template", "link_only",
    "email_subject_signature", "long_800_2000",
)
#: what ``transparency.missing`` may list, per request type
MISSING_TARGETED = ("company", "role_or_job_link", "goal_statement")
MISSING_GENERAL = ("role_or_field", "level", "location", "clear_ask")


@dataclass(frozen=True)
class Task:
    """One thing refernlp learns: its name, labels, data column, CLI spelling and headline metric."""

    name: str
    column: str  #: the column of the corpus that labels it
    cli: str  #: the spelling ``refernlp train`` accepts
    labels: tuple[str, ...] = ()  #: sorted class labels; empty for slot rankers
    metric: str = "accuracy"  #: the headline metric of model selection and the model card

    @property
    def is_classifier(self) -> bool:
        return bool(self.labels)


TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("request_type", "type", "request-type", tuple(sorted(REQUEST_TYPES)), "macro_f1"),
        Task("transparency", "transparency", "transparency", tuple(sorted(TRANSPARENCY))),
        Task("politeness", "politeness", "politeness", tuple(sorted(POLITENESS))),
        Task("relationship", "relationship", "relationship", tuple(sorted(RELATIONSHIPS))),
        Task("purpose", "purpose", "purpose", tuple(sorted(PURPOSES)), "macro_f1"),
        Task("company", "company", "company", metric="f1"),
        Task("role", "role", "role", metric="f1"),
    )
}
CLASSIFIER_TASKS = tuple(n for n, t in TASKS.items() if t.is_classifier)
RANKER_TASKS = tuple(n for n, t in TASKS.items() if not t.is_classifier)
ALL_TASKS = CLASSIFIER_TASKS + RANKER_TASKS
TASK_BY_CLI = {t.cli: n for n, t in TASKS.items()}
TASK_COLUMN = {n: t.column for n, t in TASKS.items()}
TASK_LABELS = {n: t.labels for n, t in TASKS.items() if t.is_classifier}


@dataclass(frozen=True)
class LengthPolicy:
    """Length advice, from ``shared/DOMAIN.md``: LinkedIn recruiter data and Boomerang's email study.

    Per channel (``length.*`` findings): LinkedIn messages and chat messages are
    judged in characters: under 400 get about 22% more replies, 800-1,200 about
    6% fewer, over 1,200 about 11% fewer. Emails are judged in words: 50-125
    words reply best (above 50%); this one range is used by the findings and by
    the rewriter's length budget alike. LinkedIn connection notes stop at 300
    characters (200 on free accounts). Texts (SMS) are long past 400 characters.
    """

    message_short: int = 400
    message_long: int = 800
    message_too_long: int = 1200
    email_words: tuple[int, int] = (50, 125)
    #: LinkedIn connection-request notes: the limit on premium accounts, and on free ones
    note_limit: int = 300
    note_free_limit: int = 200
    #: a text message (SMS) longer than this is long for a text (the LinkedIn "under 400" figure)
    text_long: int = 400
    #: an ask starting after this share of a message at least ``buried_min_chars`` long is buried
    buried_min_chars: int = 800
    buried_fraction: float = 0.7


LENGTH = LengthPolicy()


def normalise_channel(value: str | None) -> str | None:
    """Map a user-given channel (CLI or corpus spelling) to a label; ``None``/"auto" mean "infer it"."""
    if value is None:
        return None
    key = str(value).strip().lower()
    if key not in CHANNEL_ALIASES:
        from .errors import InputError

        raise InputError(f"unknown channel {value!r}: use " + ", ".join(CHANNEL_CLI))
    return CHANNEL_ALIASES[key]


def normalise_relationship(value: str | None) -> str | None:
    """Map a user-given relationship to a label; ``None``/"unknown" mean "infer it"."""
    if value is None:
        return None
    key = str(value).strip().lower()
    if key not in RELATIONSHIP_ALIASES:
        from .errors import InputError  # here, so this module also loads on its own (scripts/validate_data.py)

        raise InputError(f"unknown relationship {value!r}: use strong, weak or second-degree")
    return RELATIONSHIP_ALIASES[key]
