"""The adapter to PySastrawi, the Indonesian stemmer: its roots, its stop words, and a faster stemmer.

The stemmer is Sastrawi's own, built on a frozen set of its roots, with its affix-removing steps
replaced by :class:`_LiteralRemoval`, which records what a step removed without compiling the word
as a regular expression. Stems are Sastrawi's: ``test_the_stemmer_gives_sastrawis_own_stems`` in
``tests/test_text.py`` compares the two stemmers on 11,000 words. This is the only module that reaches
into Sastrawi's internals.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from Sastrawi.Stemmer.Context.Removal import Removal
from Sastrawi.Stemmer.Context.Visitor.AbstractDisambiguatePrefixRule import AbstractDisambiguatePrefixRule
from Sastrawi.Stemmer.Context.Visitor.PrefixDisambiguator import PrefixDisambiguator
from Sastrawi.Stemmer.Context.Visitor.RemoveDerivationalSuffix import RemoveDerivationalSuffix
from Sastrawi.Stemmer.Context.Visitor.RemoveInflectionalParticle import RemoveInflectionalParticle
from Sastrawi.Stemmer.Context.Visitor.RemoveInflectionalPossessivePronoun import RemoveInflectionalPossessivePronoun
from Sastrawi.Stemmer.Context.Visitor.RemovePlainPrefix import RemovePlainPrefix
from Sastrawi.Stemmer.Stemmer import Stemmer as SastrawiStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

_SASTRAWI_WORD = re.compile(r"[a-z0-9-]+")  # what Sastrawi's stemmer accepts


@functools.cache
def indonesian_roots() -> frozenset[str]:
    """Sastrawi's dictionary of root words: its stem of a word is one of these, or the word itself."""
    return frozenset(filter(None, StemmerFactory().get_words()))


@functools.cache
def indonesian_stop_words() -> frozenset[str]:
    """Sastrawi's Indonesian stop words."""
    return frozenset(StopWordRemoverFactory().get_stop_words())


class _RootDictionary:
    """Sastrawi's dictionary interface (``contains``) on the frozen set of roots, built without a loop."""

    def __init__(self, roots: frozenset[str]):
        self.contains = roots.__contains__


class _LiteralRemoval:
    """One of Sastrawi's affix-removing steps, recording what it removed with ``str.replace``.

    Sastrawi's own steps find the removed part with ``re.sub(rest, "", word)``, compiling every new
    word as a regular expression: half or more of its time on a new word, and Python's cache of 512
    patterns thrashes. The rest is letters, digits and hyphens (all Sastrawi is given), which such a pattern
    matches literally, so ``str.replace`` removes the same part and every stem stays Sastrawi's (a
    test compares the two stemmers on 11,000 words)."""

    def __init__(self, step, affix_type: str):
        self._step, self._affix_type = step, affix_type
        self._disambiguates = isinstance(step, AbstractDisambiguatePrefixRule)  # tries rules until one gives a root

    def visit(self, context) -> None:
        word = context.current_word
        if self._disambiguates:
            result = None
            for disambiguator in self._step.disambiguators:
                result = disambiguator.disambiguate(word)
                if context.dictionary.contains(result):
                    break
        else:
            result = self._step.remove(word)
            if result == word:
                result = None
        if result is not None:
            context.add_removal(Removal(self._step, word, result, word.replace(result, "", 1), self._affix_type))
            context.current_word = result


_AFFIX_TYPES = {  # Sastrawi's steps that remove an affix, and the type they record
    RemoveInflectionalParticle: "P", RemoveInflectionalPossessivePronoun: "PP", RemoveDerivationalSuffix: "DS",
    RemovePlainPrefix: "DP", PrefixDisambiguator: "DP",
}


def sastrawi_stemmer() -> Callable[[str], str]:
    """Sastrawi's stem of a word, for words Sastrawi accepts (lower-case letters, digits, hyphens);
    any other word is its own stem. Uncached: :class:`pipeline.coding.stemming.Stemmer` caches."""
    # The plain stemmer, not the factory's CachedStemmer, whose cache never empties.
    sastrawi = SastrawiStemmer(_RootDictionary(indonesian_roots()))
    for steps in (sastrawi.visitor_provider.suffix_visitors, sastrawi.visitor_provider.prefix_visitors):
        steps[:] = [_LiteralRemoval(step, _AFFIX_TYPES[type(step)]) if type(step) in _AFFIX_TYPES else step
                    for step in steps]

    def stem(word: str) -> str:
        return sastrawi.stem_word(word) if _SASTRAWI_WORD.fullmatch(word) else word

    return stem
