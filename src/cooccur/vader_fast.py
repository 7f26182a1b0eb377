"""VADER's compound score, the same number as `vaderSentiment` 3.3.2 computes, several times faster.

`SentimentIntensityAnalyzer.polarity_scores` spends most of its time on work the score does
not need: it rebuilds the text character by character to replace emoji (even when there
are none), lower-cases every token again for each rule that looks at it (the negation and
idiom rules rebuild the whole lower-cased token list for every sentiment word), and
computes the `pos`/`neu`/`neg` ratios. This module applies the same rules, in the same
order and with the same floating-point operations, to a token list lower-cased once.

Most news sentences need no rule at all: no negation, booster, "but", "least", idiom word
or capitalised sentiment word, so each lexicon word keeps its lexicon valence and the
others score 0. Each distinct token remembers that plain valence (NaN for a token a rule
may involve), and such a sentence's score is the sum of its tokens' plain valences, taken
in one C-level pass; only the other sentences (about a fifth of the Reuters ones) go
through the rules. The lexicon, emoji lexicon and rule tables are
read from the installed `vaderSentiment` package, never copied, so a different VADER version
cannot silently diverge: `tests/test_tone_vader_fast.py` checks equality against the package
on every Reuters dev sentence and on generated text.
"""

from __future__ import annotations

import math
import string
from functools import cache
from itertools import compress

from vaderSentiment import vaderSentiment as _vader

_PUNCTUATION = string.punctuation
_N_SCALAR = _vader.N_SCALAR
_C_INCR = _vader.C_INCR
_BOOSTERS: dict[str, float] = _vader.BOOSTER_DICT
_SPECIAL_CASES: dict[str, float] = _vader.SPECIAL_CASES
_NEGATE = frozenset(_vader.NEGATE)
_CACHE_TOKENS = 500_000  # distinct tokens remembered (a few tens of MB at most)
# The words of the multi-word special cases and boosters (`_special_idioms_check` matches
# word sequences joined by one space; tokens hold no space, so a match needs every word here).
_IDIOMS = [key for key in (*_SPECIAL_CASES, *_BOOSTERS) if " " in key]
_IDIOM_WORDS = frozenset(word for key in _IDIOMS for word in key.split(" "))
# Every idiom holds one of these words (the others, "the", "of", "to", "for", are too common
# to send a sentence to the rules; `FastVader` checks none of them is a lexicon word).
_IDIOM_MARKERS = _IDIOM_WORDS - {"the", "of", "to", "for"}
if not all(_IDIOM_MARKERS.intersection(key.split(" ")) for key in _IDIOMS):
    raise RuntimeError("a VADER idiom of common words only: update vader_fast")
# Words a VADER rule looks for: with none of them in a sentence (and no "n't" word, no
# capitalised lexicon word), every lexicon word keeps its valence and no rule applies.
_RULE_WORDS = frozenset(
    {word for word in _BOOSTERS if " " not in word}
    | _NEGATE
    | _IDIOM_MARKERS
    | {"no", "so", "this", "least", "but", "kind"}
)
_NAN = math.nan


class FastVader:
    """`compound(text)` equals `SentimentIntensityAnalyzer().polarity_scores(text)["compound"]`."""

    def __init__(self) -> None:
        analyzer = _vader.SentimentIntensityAnalyzer()  # reads the package's own lexicon files
        self.lexicon: dict[str, float] = analyzer.lexicon
        self.emojis: dict[str, str] = analyzer.emojis
        # VADER looks emoji up one character at a time, so only one-character keys can match.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        if any(char.isascii() for char in self._emoji_chars):  # then `isascii()` can't skip
            raise RuntimeError("an ASCII emoji in VADER's emoji lexicon: update vader_fast")
        if not self.lexicon.keys().isdisjoint(_IDIOM_WORDS - _IDIOM_MARKERS):
            raise RuntimeError("a common idiom word in VADER's lexicon: update vader_fast")
        self._lower: dict[str, str] = {}  # token -> VADER's word for it, lower-cased
        # token -> its valence when no rule applies (0 off the lexicon), NaN if a rule may
        self._plain: dict[str, float] = {}

    def _replace_emoji(self, text: str) -> str:
        """VADER's emoji step verbatim (only reached when the text holds an emoji)."""
        emojis = self.emojis
        parts: list[str] = []
        prev_space = True
        for char in text:
            if char in emojis:
                if not prev_space:
                    parts.append(" ")
                parts.append(emojis[char])
                prev_space = False
            else:
                parts.append(char)
                prev_space = char == " "
        return "".join(parts)

    def _learn(self, tokens: list[str]) -> None:
        """Cache VADER's lower-cased word and the plain valence of each new token (both
        emptied when they grow large)."""
        cache, plain, lexicon = self._lower, self._plain, self.lexicon
        new = set(tokens).difference(cache)
        if len(cache) + len(new) > _CACHE_TOKENS:
            cache.clear()
            plain.clear()
            new = set(tokens)
        for token in new:
            word = cache[token] = _strip_token(token).lower()
            valence = lexicon.get(word, 0)  # VADER appends int 0 for a non-lexicon word
            if word in _RULE_WORDS or "n't" in word or (valence and token.isupper()):
                valence = _NAN
            plain[token] = valence

    def compound(self, text: str) -> float:
        """VADER's compound score of `text`, rounded to 4 decimals as VADER returns it."""
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._replace_emoji(text)
        tokens = text.split()
        # Each token's plain valence (see `_learn`) comes from a cache: news repeats its words.
        try:
            values = list(map(self._plain.__getitem__, tokens))
        except KeyError:
            self._learn(tokens)
            values = list(map(self._plain.__getitem__, tokens))
        total = sum(values)
        if total != total:  # NaN: a rule word, or a capitalised lexicon word
            return self._by_rules(text, tokens, values)
        # No rule applies: `values` is VADER's own list of sentiments (ints 0 and lexicon
        # floats), so their sum is the same number in the same order.
        return _normalize(total, text) if total else 0.0

    def _by_rules(self, text: str, tokens: list[str], values: list[float]) -> float:
        """The compound score of a sentence a rule may apply to, from its tokens' values."""
        lower = list(map(self._lower.__getitem__, tokens))
        lexicon = self.lexicon
        n = len(tokens)
        sentiments: list[float] = [0] * n  # ints, as VADER appends for non-lexicon tokens
        # Stripping removes only punctuation, which has no case, so `isupper()` of a raw
        # token equals that of VADER's stripped word: raw tokens stand in for its words.
        cap_diff: bool | None = None
        for i in compress(range(n), values):  # lexicon words and rule words (NaN is true)
            value = values[i]
            # A lexicon word with no rule word among itself and the three words before keeps
            # its valence: VADER's rules for word i look at those words, and at idioms that
            # start at word i, which it cannot start (it is no idiom marker, and the other
            # idiom words are no lexicon words). NaN test by identity: each NaN is `_NAN`.
            if value is not _NAN and _NAN not in values[i - 3 if i > 3 else 0 : i]:
                sentiments[i] = value
                continue
            item_lower = lower[i]
            if item_lower not in lexicon or item_lower in _BOOSTERS:
                continue
            if item_lower == "kind" and i < n - 1 and lower[i + 1] == "of":
                continue
            if cap_diff is None:
                cap_diff = 0 < n - sum(map(str.isupper, tokens)) < n  # allcap_differential
            sentiments[i] = self._valence(tokens, lower, i, cap_diff)
        if "but" in lower:
            _but_check(lower.index("but"), sentiments)
        return _score(sentiments, text)

    def _valence(self, tokens: list[str], lower: list[str], i: int, cap_diff: bool) -> float:
        """`SentimentIntensityAnalyzer.sentiment_valence` for a lexicon word at `i`, its loop
        over the three preceding words unrolled, `_negation_check` and `_least_check` inlined."""
        lexicon = self.lexicon
        item_lower = lower[i]
        valence = lexicon[item_lower]
        if item_lower == "no" and i != len(lower) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[item_lower] * _N_SCALAR
        if tokens[i].isupper() and cap_diff:
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        if i > 0 and (one := lower[i - 1]) not in lexicon:  # start_i == 0
            if one in _BOOSTERS:
                valence = valence + _scalar_inc_dec(tokens[i - 1], one, valence, cap_diff)
            else:
                valence = valence + 0.0  # VADER adds a 0.0 scalar (-0.0 becomes 0.0)
            if one in _NEGATE or "n't" in one:
                valence = valence * _N_SCALAR
        if i > 1 and (two := lower[i - 2]) not in lexicon:  # start_i == 1
            if two in _BOOSTERS:
                s = _scalar_inc_dec(tokens[i - 2], two, valence, cap_diff)
                if s != 0:
                    s = s * 0.95
                valence = valence + s
            else:
                valence = valence + 0.0
            one = lower[i - 1]
            if two == "never" and (one == "so" or one == "this"):
                valence = valence * 1.25
            elif two == "without" and one == "doubt":
                pass
            elif two in _NEGATE or "n't" in two:
                valence = valence * _N_SCALAR
        if i > 2 and (three := lower[i - 3]) not in lexicon:  # start_i == 2
            if three in _BOOSTERS:
                s = _scalar_inc_dec(tokens[i - 3], three, valence, cap_diff)
                if s != 0:
                    s = s * 0.9
                valence = valence + s
            else:
                valence = valence + 0.0
            one, two = lower[i - 1], lower[i - 2]
            if (three == "never" and (two == "so" or two == "this")) or (
                one == "so" or one == "this"
            ):
                valence = valence * 1.25
            elif three == "without" and (two == "doubt" or one == "doubt"):
                pass
            elif three in _NEGATE or "n't" in three:
                valence = valence * _N_SCALAR
            # every idiom VADER looks for here spans word i or word i - 2
            if item_lower in _IDIOM_WORDS or two in _IDIOM_WORDS:
                valence = _special_idioms_check(valence, lower, i)
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * _N_SCALAR
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * _N_SCALAR
        return valence


def _strip_token(token: str) -> str:
    """VADER's `SentiText._strip_punc_if_word`: strip punctuation unless that leaves <= 2
    characters (then the token is likely an emoticon and kept whole)."""
    stripped = token.strip(_PUNCTUATION)
    return token if len(stripped) <= 2 else stripped


def _scalar_inc_dec(word: str, word_lower: str, valence: float, cap_diff: bool) -> float:
    """VADER's `scalar_inc_dec`, given the word lower-cased."""
    scalar = 0.0
    if word_lower in _BOOSTERS:
        scalar = _BOOSTERS[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and cap_diff:
            if valence > 0:
                scalar += _C_INCR
            else:
                scalar -= _C_INCR
    return scalar


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    """VADER's `_special_idioms_check` on the lower-cased words."""
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _but_check(bi: int, sentiments: list[float]) -> None:
    """VADER's `_but_check`, including its quirk: it rescales the FIRST entry equal to each
    value (`list.index`), which may not be that value's own position."""
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)


def _score(sentiments: list[float], text: str) -> float:
    """The compound part of VADER's `score_valence` (`sentiments` is never empty here)."""
    return _normalize(sum(sentiments), text)


def _normalize(total: float, text: str) -> float:
    """VADER's compound score from the sum of a sentence's sentiments."""
    sum_s = float(total)
    ep_count = min(text.count("!"), 4) if "!" in text else 0  # `in` is the cheaper scan
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?") if "?" in text else 0
    qm_amplifier: float = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0
    return round(compound, 4)


@cache
def fast_vader() -> FastVader:
    """One shared scorer per process (building it reads the lexicon files)."""
    return FastVader()


def compound_scores(texts: list[str | None]) -> list[float]:
    """Compound scores of many texts (None scores as the empty text).

    A text seen before (up to `_MEMO_TEXTS` of them) is not scored again: news repeats
    sentences (syndicated copies, boilerplate, the benchmarks' scaled corpus reuses the
    Reuters sentences), and the same text always has the same score.
    """
    score, memo = fast_vader().compound, _MEMO
    scores = []
    for text in texts:
        text = text or ""
        value = memo.get(text)
        if value is None:
            if len(memo) >= _MEMO_TEXTS:
                memo.clear()
            value = memo[text] = score(text)
        scores.append(value)
    return scores


_MEMO: dict[str, float] = {}
_MEMO_TEXTS = 100_000  # sentences remembered per process (~30 MB at news lengths)
