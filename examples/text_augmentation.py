"""EDA text augmentation on a few built-in sentences: each sentence gets
several augmented copies, one EDA operation each (synonym replacement, random
insertion, random swap or random deletion, chosen per sentence).

The layers work on token ids padded with 0 (any tokenizer); here a
whitespace tokenizer and a small hand-written synonym list stand in for a
real vocabulary and WordNet.

    KERAS_BACKEND=jax python examples/text_augmentation.py --copies 3
"""

import argparse

import keras
import numpy as np

import keras_reg

SENTENCES = [
    "the film was a quick and funny ride",
    "a slow story with a sad ending",
    "the actors were great but the plot was weak",
    "i liked the music and the bright pictures",
    "this movie is a big waste of time",
    "a small gem with a happy ending",
]

SYNONYMS = {
    "film": ["movie", "picture"],
    "movie": ["film"],
    "quick": ["fast", "rapid"],
    "funny": ["comic", "amusing"],
    "slow": ["sluggish", "tedious"],
    "sad": ["gloomy", "tragic"],
    "great": ["excellent", "superb"],
    "weak": ["thin", "feeble"],
    "liked": ["enjoyed", "loved"],
    "bright": ["vivid", "colourful"],
    "big": ["huge", "large"],
    "small": ["little", "tiny"],
    "happy": ["joyful", "cheerful"],
}


def tokenize(sentences, length):
    """Whitespace tokens -> (ids padded with 0 to ``length``, vocabulary).

    The vocabulary holds every sentence word and every synonym (a synonym
    needs an id to be inserted); id 0 is padding, id 1 unknown."""
    words = {w for s in sentences for w in s.split()}
    words |= {w for syns in SYNONYMS.values() for w in syns} | set(SYNONYMS)
    vocabulary = ["", "[UNK]"] + sorted(words)
    index = {w: i for i, w in enumerate(vocabulary)}
    ids = np.zeros((len(sentences), length), "int32")
    for row, sentence in enumerate(sentences):
        tokens = [index.get(w, 1) for w in sentence.split()][:length]
        ids[row, : len(tokens)] = tokens
    return ids, vocabulary


def eda(vocabulary, rate, seed):
    """One EDA operation per sentence, chosen uniformly (Wei & Zou 2019)."""
    table = keras_reg.augment.text.synonym_table(vocabulary, SYNONYMS)
    text = keras_reg.augment.text
    return keras_reg.augment.RandomChoice(
        [
            text.SynonymReplacement(table, rate, seed=seed),
            text.RandomInsertion(table, rate, seed=seed + 1),
            text.RandomSwap(rate, seed=seed + 2),
            text.RandomDeletion(rate, seed=seed + 3),
        ],
        seed=seed + 4,
    )


def decode(ids, vocabulary):
    return " ".join(vocabulary[i] for i in ids if i != 0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="augmented copies per sentence")
    parser.add_argument("--rate", type=float, default=0.15, help="EDA alpha: share of tokens")
    parser.add_argument("--length", type=int, default=16, help="padded sequence length")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    ids, vocabulary = tokenize(SENTENCES, args.length)
    augment = eda(vocabulary, args.rate, args.seed)
    copies = []
    for _ in range(args.copies):
        # A new draw on every call: the layers' SeedGenerators advance.
        copies.append(keras.ops.convert_to_numpy(augment(ids, training=True)))
    augmented = {}
    for row, sentence in enumerate(SENTENCES):
        augmented[sentence] = [decode(c[row], vocabulary) for c in copies]
        print(f"original : {sentence}")
        for text in augmented[sentence]:
            print(f"augmented: {text}")
        print()
    return augmented


if __name__ == "__main__":
    main()
