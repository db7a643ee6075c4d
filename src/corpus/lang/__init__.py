"""Language data shared by every stage: word lists and pure text-in, text-out rules.

`corpus.lang.fr` holds French: folding, stop words, orientation words, name particles, plural
marks. Modules here import nothing from `corpus`, so that the domain records and every stage can
use them without depending on one another.
"""
