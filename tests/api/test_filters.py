"""Filters: which segments match, and a French error naming the accepted values."""

import numpy as np
import pytest
from store_inputs import H_EVENT, ROWS

from corpus.api.filters import SearchError, check_orientation, mask


@pytest.mark.parametrize(("given", "stored"), [
    ("levier", "levier"), ("Difficulté", "difficulte"), (" autre ", "autre"), (None, None)])
def test_orientation_spellings(given, stored):
    assert check_orientation(given) == stored


def test_unknown_orientation_names_the_accepted_ones():
    with pytest.raises(SearchError, match="Valeurs acceptées : difficulte, levier, autre"):
        check_orientation("frein")


def test_mask_combines_filters(api):
    index = api.index()
    keep = mask(index, event="2026-06-journee-cep", atelier="a03-jeunes",
                orientation="difficulte")
    expected = sum(1 for e, a, _, o, _ in ROWS
                   if e == H_EVENT and a == "a03-jeunes" and o == "difficulte")
    assert keep.sum() == expected
    assert np.array_equal(mask(index, atelier=f"{H_EVENT}/a03-jeunes"),
                          mask(index, event=H_EVENT, atelier="a03-jeunes"))
    assert mask(index).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"territory": "paris"}, "Territoire « paris » absent de la base. Valeurs acceptées : "
                             "haute-provence, marseille."),
    ({"theme": "T999"}, "T001, T002"),
    ({"group": "G09"}, "Grand thème « G09 » absent de la base. Valeurs acceptées : G01, G02."),
    ({"event": "2030-01-x"}, "marseille/2026-03-journee-cep"),
    ({"atelier": "a99"}, "haute-provence/2026-06-journee-cep/a01-mobilite"),
])
def test_unknown_values_name_the_accepted_ones(api, kwargs, message):
    with pytest.raises(SearchError) as err:
        mask(api.index(), **kwargs)
    assert message in str(err.value)
