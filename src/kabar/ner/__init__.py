"""Indonesian named-entity recognition on CPU: a python-crfsuite CRF with rich features.

* :mod:`kabar.ner.data`: the five corpora's readers and the tag mapping onto PER/ORG/LOC/EVT;
* :mod:`kabar.ner.tokenize`: tokens with character offsets, sentence cuts;
* :mod:`kabar.ner.features`, :mod:`kabar.ner.lexicon`, :mod:`kabar.ner.clusters`: features,
  gazetteers, word clusters;
* :mod:`kabar.ner.tagger`, :mod:`kabar.ner.training`: training and tagging;
* :mod:`kabar.ner.metrics`: IndoNLU macro and seqeval-style micro scores;
* :mod:`kabar.ner.canonical`: mentions → canonical entities with roles and categories.
"""
