"""Text augmentation (EDA, Wei & Zou 2019) on token-id tensors padded with 0.

``SynonymReplacement``, ``RandomInsertion``, ``RandomSwap``, ``RandomDeletion``
and ``synonym_table``. Back-translation is out of scope: it needs a
translation model.
"""

from keras_reg.augment.text.random_deletion import RandomDeletion
from keras_reg.augment.text.random_insertion import RandomInsertion
from keras_reg.augment.text.random_swap import RandomSwap
from keras_reg.augment.text.synonym_replacement import SynonymReplacement
from keras_reg.augment.text.synonym_table import synonym_table

__all__ = [
    "RandomDeletion",
    "RandomInsertion",
    "RandomSwap",
    "SynonymReplacement",
    "synonym_table",
]
