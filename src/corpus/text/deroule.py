"""The atelier's déroulé: lines that say how an atelier ran, not what it found.

"Méthode des échos. Exposante : conseillère VAE. 14 participants.", "Tour 2 : ce que j'attends
des autres.", "Pause de 15 min", "Vote à gommettes", "Photos du paperboard en annexe": such
lines carry the method, its rounds, the roles, head counts, timings, the room, breaks and votes;
so do the contacts the atelier exchanged ("Cap emploi 04 : Sophie Martin, 04 92 …", a sentence
with an e-mail or a phone number and no verb of its own, or a line under a « Contacts » heading).
They are kept (`kind` "deroule") but never themed, quoted or counted as a difficulty or a lever.

The rule reads a line's structure through spaCy's tags, sentence by sentence, never a list of
sentences: a sentence is déroulé when it is a label of the déroulé and its value ("Exposante :
…", "Tour 1 : …"), when it opens on a method's name and says nothing else with a verb of its
own, or when every content word is explained by the vocabulary below (roles, methods, units of
people and time, the room and the paperboard) with at least one cue and no finite verb outside
that vocabulary ("Les participants ont souligné…" is content). A line is déroulé when each of
its sentences is (or carries no content word at all).

The vocabulary (folded: lower case, no accents, hyphens as spaces) would belong in the French
language-data module; it lives here until that module exists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.lang.deroule import (
    COUNT_UNITS,
    CUE_WORDS,
    EXPLAINED,
    LABEL_ROLES,
    METHODS,
    NUMBER_WORDS,
    PHRASES,
    ROUND_LABELS,
    SECTIONS,
    VERBS,
)
from corpus.text.french import fold, is_acronym
from corpus.text.marks import EMAIL, EMAIL_MARK, PHONE, PHONE_MARK

CONTENU, DEROULE = "contenu", "deroule"
KINDS = (CONTENU, DEROULE)

_TIME = re.compile(
    r"(?<![\w,])(?:\d{1,2}\s?h(?:\s?\d{2})?(?:\s?[-–à]\s?\d{1,2}\s?h(?:\s?\d{2})?)?"
    r"|\d{1,3}\s?(?:min|mn|minutes?)\b)",
    re.IGNORECASE,
)
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_COUNT = re.compile(
    rf"\b{_NUMBER}\s+(?:(?:sous groupes?|{'|'.join(sorted(COUNT_UNITS, key=len, reverse=True))})"
    r")\b")
_PHRASE = re.compile(r"\b(?:" + "|".join(PHRASES) + r"|(?:premier|second|deuxieme|troisieme"
                     r"|dernier|1er|2e|3e) tour|tours? \d+|atelier \d+)\b")
_LABEL = re.compile(r"^\s*([^:]{1,48}?)\s*:\s*(.*)$", re.DOTALL)
# The atelier's own name above its notes: « Atelier 8 : alternance et TPE », « Atelier 10 –
# Faire découvrir l'industrie… » (what the atelier was called, not what it found).
_TITLE = re.compile(r"^\s*atelier\s*(?:n\s*[°o]?\s*)?\d{1,3}\s*(?:[-–—:.)]|$)", re.IGNORECASE)
# After these, a finite verb belongs to a relative or subordinate clause, not to the sentence.
_RELATIVE = frozenset({"qui", "que", "qu", "dont", "ou", "lequel", "laquelle", "lesquels",
                       "lesquelles", "quand", "lorsque", "lorsqu", "si", "comme"})
_FUNCTION = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en",
                       "par", "pour", "sur", "et"})
_NEUTRAL_POS = frozenset({"PUNCT", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "NUM", "SYM", "SPACE",
                          "AUX", "ADV", "PART", "INTJ", "PROPN"})


_JOINERS = re.compile(r"[-'’_/]")
# Each method's name at the start of a text and anywhere in it, compiled once (the segmenter
# asks for every sentence).
_METHODS_AT = {start: [(m, re.compile(rf"^{re.escape(m)}\b" if start else rf"\b{re.escape(m)}\b"))
                       for m in METHODS] for start in (True, False)}
# Any method at all, in one search: most sentences name none (then no method's own search).
_ANY_METHOD = re.compile(r"\b(?:" + "|".join(
    re.escape(m) for m in sorted(METHODS, key=len, reverse=True)) + r")\b")


def plain(text: str) -> str:
    """Folded, hyphens and apostrophes as spaces, single spaces: how the vocabulary is written."""
    return " ".join(_JOINERS.sub(" ", fold(text)).split())


@functools.lru_cache(maxsize=1 << 16)
def _plain_word(word: str) -> str:
    """`plain` of one token's text or lemma: the same few thousand words, sentence after
    sentence (2,000 notes: 400,000 calls)."""
    return plain(word)


def _method_at(text: str, start_only: bool) -> str | None:
    """The method named at the start of `text` (or anywhere, with `start_only` False)."""
    folded = plain(text)
    if not _ANY_METHOD.search(folded):
        return None
    for method, pattern in _METHODS_AT[start_only]:
        if pattern.search(folded):
            return method
    return None


def _is_label(label: str) -> bool:
    """A déroulé label: a role ("Gardienne de la méthode"), a round ("Tour 2", "Temps 1 (20
    min)", "Nombre de participants"), a method's name."""
    words = re.sub(r"\(.*?\)|\d+", " ", plain(label)).split()
    if not words or len(words) > 6:
        return False
    rest = [w for w in words[1:] if w not in EXPLAINED and w not in _FUNCTION]
    return (words[0] in LABEL_ROLES or (words[0] in ROUND_LABELS and not rest)
            or " ".join(words) in CUE_WORDS or _PHRASE.fullmatch(" ".join(words)) is not None
            or _method_at(label, start_only=True) is not None)


@dataclass
class Reading:
    """What one sentence holds: cues, content words, a finite verb of its own (`verb`)."""

    text: str
    cues: int = 0
    content: int = 0
    words: int = 0
    verb: str = ""
    label: bool = False
    method_first: bool = False
    in_section: bool = False
    contact: bool = False  # holds an e-mail or a phone number (or the mark that replaced it)

    @property
    def content_share(self) -> float:
        """Content words among the words that mean something (content and cues)."""
        return self.content / max(1, self.content + self.cues)


def _covered(text: str, offset: int) -> list[tuple[int, int]]:
    """Character spans (relative to the doc) of times and head counts in `text`."""
    folded = re.sub(r"[-'’_/]", " ", fold(text))  # same length as `text`: offsets hold
    spans = [(m.start() + offset, m.end() + offset) for m in _TIME.finditer(text)]
    spans += [(m.start() + offset, m.end() + offset) for m in _COUNT.finditer(folded)]
    spans += [(m.start() + offset, m.end() + offset) for m in _PHRASE.finditer(folded)]
    return spans


def _infinitive(word: str) -> str:
    """The -er infinitive of a past participle ("animée" -> "animer"), else the word."""
    return re.sub(r"e(?:e|s|es)?$", "er", word) if re.search(r"e(?:e|s|es)?$", word) else word


def _leading_verb(tok) -> bool:
    """An infinitive opening a sentence ("Développer…", "Remettre…", even tagged a proper
    noun): the sentence proposes something, it does not say how the atelier ran."""
    word = _plain_word(tok.text)
    if word in VERBS or word in EXPLAINED or word in CUE_WORDS or word in LABEL_ROLES:
        return False
    if tok.pos_ == "VERB":
        return "Inf" in tok.morph.get("VerbForm")
    return tok.pos_ == "PROPN" and re.search(r"(?:er|ir|re|oir)$", word) is not None


def _finite_verb(tokens, i: int) -> str:
    """The lemma a finite verb at `i` stands for: an auxiliary's participle ("ont souligné" ->
    souligner), else its own; "" when it sits in a relative clause ("qui recrutent")."""
    before = [_plain_word(t.text) for t in tokens[max(0, i - 3):i]]
    if any(w in _RELATIVE for w in before):
        return ""
    tok = tokens[i]
    if tok.pos_ == "AUX":
        for nxt in tokens[i + 1:i + 4]:
            if nxt.pos_ == "VERB":
                return _plain_word(nxt.lemma_)
    return _plain_word(tok.lemma_)


def _explained(tok, word: str, lemma: str, shouting: bool) -> bool:
    """A word that says nothing of the métier: a function word, a name, an acronym (unless the
    whole line is in capitals), a number, or the déroulé's own vocabulary."""
    acronym = is_acronym(tok.text) and not shouting
    return (tok.pos_ in _NEUTRAL_POS or tok.is_stop or acronym or word in EXPLAINED
            or lemma in EXPLAINED or lemma in VERBS or _infinitive(word) in VERBS
            or word in NUMBER_WORDS)


def read_sentence(tokens, *, section: str = "") -> Reading:
    """The cues and content of one sentence (a sequence of spaCy tokens of one doc)."""
    tokens = [t for t in tokens if not t.is_space]
    text = "".join(t.text_with_ws for t in tokens).strip()
    r = Reading(text)
    if not tokens:
        return r
    match = _LABEL.match(text)
    r.label = bool(match and _is_label(match.group(1)))
    r.method_first = _method_at(text, start_only=True) is not None
    r.contact = bool(EMAIL.search(text) or PHONE.search(text)
                     or EMAIL_MARK in text or PHONE_MARK in text)
    heading = [w for w in plain(section).split() if w not in _FUNCTION]
    r.in_section = bool(heading) and heading[0] in SECTIONS and len(heading) <= 3
    method = _method_at(text, start_only=False)
    cue_spans = _covered(text, tokens[0].idx)
    depth, neutral_after = 0, None
    shouting = text.isupper()  # a line in capitals: its words are not acronyms
    first = next((t for t in tokens if t.is_alpha), None)
    if first is not None and _leading_verb(first):
        r.verb = _plain_word(first.text)  # "Ouvrir les services de 7h à 19h": a proposal
    for i, tok in enumerate(tokens):
        word = _plain_word(tok.text)
        if tok.text in "([":
            depth += 1
        elif tok.text in ")]":
            depth = max(0, depth - 1)
        if depth or tok.text in "()[]":
            continue  # a list in brackets ("(FT, ML, CIO)") says who, not what
        if neutral_after is not None and i >= neutral_after:
            continue
        in_cue = any(a <= tok.idx < b for a, b in cue_spans)
        if in_cue and word in COUNT_UNITS and i + 2 < len(tokens) and (
                "dont" in (_plain_word(tokens[i + 1].text), _plain_word(tokens[i + 2].text))):
            neutral_after = i + 1  # "15 participants, dont la MSA et …": who was there
        if "Fin" in tok.morph.get("VerbForm") and not r.verb:
            lemma = _finite_verb(tokens, i)
            if lemma and lemma not in VERBS:
                r.verb = lemma
        if not tok.is_alpha and not in_cue:
            continue
        r.words += 1
        lemma = _plain_word(tok.lemma_)
        if in_cue or word in CUE_WORDS or lemma in CUE_WORDS or (method and word in method.split()):
            r.cues += 1
        elif not _explained(tok, word, lemma, shouting):
            r.content += 1
    return r


@dataclass(frozen=True)
class Rule:
    """The thresholds of the rule (tuned on tests/fixtures/deroule/lines.csv, first half)."""

    max_label_words: int = 25  # a label's value longer than this is content
    max_method_words: int = 30  # a sentence opening on a method, longer than this, is content
    max_content_share: float = 0.4  # content words a cue-bearing sentence may hold


RULE = Rule()


def sentence_kind(r: Reading, rule: Rule = RULE) -> str | None:
    """"deroule", "contenu", or None for a sentence without any content word or cue."""
    n_words = len(r.text.split())
    value = _LABEL.match(r.text)
    if r.label and value and len(value.group(2).split()) <= rule.max_label_words:
        return DEROULE
    if r.method_first and not r.verb and n_words <= rule.max_method_words:
        return DEROULE
    if r.in_section and not r.verb:
        return DEROULE
    if r.contact and not r.verb:
        return DEROULE  # "Cap emploi 04 : Sophie Martin, 04 92 …": who to call, not a finding
    if r.cues and not r.verb and r.content_share <= rule.max_content_share:
        return DEROULE
    if not r.cues and not r.content and not r.verb:
        return None
    return CONTENU


def kind_of_sentences(readings: Iterable[Reading], rule: Rule = RULE) -> str:
    """A line's kind from its sentences: déroulé when each says how the atelier ran."""
    kinds = [sentence_kind(r, rule) for r in readings]
    return DEROULE if DEROULE in kinds and CONTENU not in kinds else CONTENU


def _clauses(span) -> list[list]:
    """The span's sentences, those cut inside quotes or brackets joined back ("Anti-problème :
    « Comment … ? », puis retournement." is one)."""
    out: list[list] = []
    depth = 0
    for sent in (span.sents if hasattr(span, "sents") else [span]):
        tokens = list(sent)
        if depth > 0 and out:
            out[-1] += tokens
        else:
            out.append(tokens)
        for tok in tokens:
            if tok.text in ("«", "(", "["):
                depth += 1
            elif tok.text in ("»", ")", "]"):
                depth = max(0, depth - 1)
    return out


def is_method_name(text: str) -> bool:
    """« Accélérateur de coopération », « World-café »: the name of a method, nothing else."""
    return plain(text) in METHODS


def is_atelier_name(text: str) -> bool:
    """« Atelier 8 : alternance et TPE »: the atelier's own name above its notes."""
    return bool(_TITLE.match(fold(text)))


def kind_of_span(span, *, section: str = "", rule: Rule = RULE) -> str:
    """The kind of a piece of a parsed doc (a `Doc` or `Span` whose doc has sentences)."""
    if is_atelier_name(span.text) and len(span.text.split()) <= rule.max_label_words:
        return DEROULE  # the atelier's name, whatever spaCy makes of its sentences
    return kind_of_sentences([read_sentence(c, section=section) for c in _clauses(span)], rule)


def kinds(texts: Iterable[str], nlp, *, sections: Iterable[str] | None = None,
          rule: Rule = RULE) -> list[str]:
    """The kind of each text (a segment or a scribe's line), parsed with `nlp`."""
    texts = list(texts)
    heads = list(sections) if sections is not None else [""] * len(texts)
    return [kind_of_span(doc, section=h, rule=rule)
            for doc, h in zip(nlp.pipe(texts), heads, strict=True)]
