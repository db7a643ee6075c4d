"""Organisations present, grouped under their network: one line a network, its local
structures as detail, different organisations kept apart, whatever the région."""

from __future__ import annotations

import random

import pytest

from corpus.synthesis.actors import Network, actors_in_scope, networks, singular

# Names that belong to none of the groups below: they must stay out of them.
OTHERS = ["Apec", "Maison des Familles", "Provence Alpes Agglomération", "CFA"]


def network_of(name: str, present: list[str]) -> Network:
    return next(n for n in actors_in_scope(present).networks if name in n.names)


@pytest.mark.parametrize("group, network", [
    (["Cap emploi", "Cap emploi 13"], "Cap emploi"),
    (["Mission locale", "Mission Locale de Marseille", "Mission locale Alpes-de-Haute-Provence"],
     "Mission locale"),
    (["Association", "Associations", "Association de quartier",
      "Association - plateforme mobilité"], "Association"),
    (["Organisme de formation", "Organismes de formation", "GRETA Provence"],
     "Organismes de formation"),
    (["Département", "Département 13", "Département des Alpes-de-Haute-Provence"],
     "Département"),
    (["Akto", "Constructys", "Opco EP"], "OPCO"),
    (["Pôle emploi", "France Travail"], "France Travail"),
    # Another région: the reference actors are found whatever the place.
    (["Mission locale du Pays de Lorient", "Mission locale de Quimper Cornouaille"],
     "Mission locale"),
    (["Cap emploi 56", "Cap emploi du 2B"], "Cap emploi"),
    # Names no reference list knows: grouped by their head, the bare name present or not.
    (["E2C", "E2C Lorient"], "E2C"),
    (["E2C Lorient", "E2C Quimper"], "E2C"),  # a town right after an acronym
    (["Secours populaire Morbihan", "Secours populaire Pays de Redon"], "Secours populaire"),
    (["Centre social", "Centres sociaux", "Centre social de Kervénanec"], "Centre social"),
    (["Centre social de Kervénanec", "Centre social du Bois du Château"], "Centre social"),
    (["Secours populaire 29", "Secours populaire du 2A", "Secours Populaire de la Manche",
      "Secours populaire d'Ille-et-Vilaine", "Secours populaire Morbihan",
      "Secours populaire de Trifouilly-les-Oies", "Secours Populaire Du Var"],
     "Secours populaire"),
    (["Maison de l'emploi du Pays de Lorient", "Maison de l'Emploi de Quimper"],
     "Maison de l'emploi"),
])
def test_the_spellings_of_one_network_are_read_once(group, network):
    found = actors_in_scope(group + OTHERS).networks
    holding = [n for n in found if set(n.names) & set(group)]
    assert len(holding) == 1, [n.name for n in holding]
    assert holding[0].name.casefold() == network.casefold()
    assert sorted(holding[0].names) == sorted(group)  # none of OTHERS slipped in
    assert [n.name.casefold() for n in found].count(network.casefold()) == 1


def test_branches_are_the_names_that_say_more_than_the_network():
    ml = network_of("Mission locale", ["Mission locale", "Mission Locale de Marseille",
                                       "Mission locale de Marseille", "MISSION LOCALE",
                                       "Mission locale Alpes-de-Haute-Provence"])
    assert ml.branches == ["Mission locale Alpes-de-Haute-Provence",
                           "Mission Locale de Marseille"]  # one spelling each, in order
    assert network_of("Organismes de formation",
                      ["Organisme de formation", "Organismes de formation"]).branches == []
    assert network_of("Associations", ["Association", "Associations"]).branches == []


def test_a_reference_network_keeps_the_actor_it_stands_for():
    ft = network_of("Pôle emploi", ["Pôle emploi"])
    assert (ft.name, ft.branches, ft.actor) == (
        "France Travail", ["Pôle emploi"], "France Travail (ex-Pôle emploi)")
    assert ft.actor in actors_in_scope(["Pôle emploi"]).mobilised
    cfa = network_of("CFA de la CMA", ["CFA de la CMA"])  # named first: a CFA
    assert cfa.name == "CFA"
    assert "CMA (Chambre de métiers et de l'artisanat)" in actors_in_scope(
        ["CFA de la CMA"]).mobilised


def test_associations_of_another_region_stay_apart_unless_the_bare_name_is_present():
    names = ["Association Trajectoires", "Associations d'insertion"]
    alone = actors_in_scope(names).networks
    assert [(n.name, n.branches) for n in alone] == [(name, []) for name in names]
    under = network_of("Association Trajectoires", names + ["Association"])
    assert under.name == "Association" and under.branches == names


@pytest.mark.parametrize("one, other", [
    ("France Travail", "France services"),
    ("Mission locale", "Maison France services"),
    ("Maison de l'Emploi", "Maison des Familles"),  # a capitalised noun is no place
    ("Provence Alpes Agglomération", "Durance Luberon Verdon Agglomération"),
    ("Association Trajectoires", "Associations d'insertion"),
    ("Centre social de Lanester", "Centre de formation de Lanester"),  # one town, two networks
    ("Maison de santé de Pontivy", "Maison de l'emploi de Pontivy"),
    ("CMA", "CFA"),
    ("Opco EP", "Cap emploi"),
])
def test_different_organisations_stay_apart(one, other):
    present = [one, other, *OTHERS]
    assert network_of(one, present) is not network_of(other, present)


def test_every_name_present_is_in_one_network_and_the_rest_is_unchanged():
    present = ["Mission Locale de Marseille", "Cap emploi 13", "Association", "Associations",
               "Association Trajectoires", "Akto", "Région Sud", "E2C Marseille", "SAAD",
               "SAAD (aide à domicile)", "—"]
    actors = actors_in_scope(present + ["  Akto ", ""])
    assert sorted(n for net in actors.networks for n in net.names) == sorted(actors.present)
    assert sorted(actors.present) == sorted(present)
    assert "Mission locale" in actors.mobilised and "Cap emploi" in actors.mobilised
    assert "Mission locale" not in actors.missing and "Apec" in actors.missing
    saad = network_of("SAAD", present)
    assert saad.name == "SAAD (aide à domicile)" and saad.branches == []  # the gloss is kept


def test_the_grouping_does_not_depend_on_the_order_of_the_names():
    present = ["Cap emploi", "Cap emploi 13", "Centre social de Kervénanec", "Associations",
               "Centre social du Bois du Château", "Association", "Association de quartier",
               "Mission locale", "Mission Locale de Marseille", "E2C", "E2C Marseille"]
    shuffled = present[:]
    random.Random(3).shuffle(shuffled)
    assert networks(shuffled) == networks(present)


@pytest.mark.parametrize("plural, single", [
    ("associations", "association"), ("organismes", "organisme"), ("sociaux", "social"),
    ("bureaux", "bureau"), ("locales", "locale"), ("des", "des"), ("cio", "cio"),
])
def test_singular_meets_the_plural_spelling(plural, single):
    assert singular(plural) == single
