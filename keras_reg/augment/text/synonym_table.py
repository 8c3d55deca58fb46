def synonym_table(vocabulary: list, word_synonyms: dict) -> dict:
    """Build the ``{token id: [synonym ids]}`` table the EDA layers take.

    Args:
        vocabulary: list of tokens, index = token id (e.g.
            ``keras.layers.StringLookup(...).get_vocabulary()``; id 0 is
            padding and never gets synonyms).
        word_synonyms: dict {word: [synonym words]}. Words or synonyms not in
            the vocabulary are skipped (a synonym must have an id to be
            inserted); a word never maps to itself.

    Returns:
        dict {int: [int]}, only for words with at least one known synonym.

    Example:

    ```python
    table = synonym_table(["", "[UNK]", "big", "large", "huge"],
                          {"big": ["large", "huge", "vast"]})
    # table == {2: [3, 4]}
    ```
    """
    if isinstance(vocabulary, (str, bytes, dict)) or not hasattr(vocabulary, "__iter__"):
        raise TypeError(
            "Argument `vocabulary` must be a list of tokens, index = token id (e.g. "
            "StringLookup(...).get_vocabulary()). "
            f"Received: vocabulary={vocabulary!r} (type {type(vocabulary).__name__})."
        )
    if not isinstance(word_synonyms, dict):
        raise TypeError(
            "Argument `word_synonyms` must be a dict {word: [synonyms]}. "
            f"Received type {type(word_synonyms).__name__}."
        )
    for word, synonyms in word_synonyms.items():
        # A string is iterable: "large" would be read as the words "l", "a", ...
        if isinstance(synonyms, (str, bytes)) or not hasattr(synonyms, "__iter__"):
            raise TypeError(
                "Argument `word_synonyms` must map each word to a list of words. "
                f"Received for {word!r}: {synonyms!r} (type {type(synonyms).__name__})."
            )
    index = {}
    for i, word in enumerate(vocabulary):
        if i > 0 and word not in index:
            index[word] = i
    table = {}
    for word, synonyms in word_synonyms.items():
        if word not in index:
            continue
        ids = [index[s] for s in synonyms if s in index and s != word]
        if ids:
            table[index[word]] = sorted(set(ids), key=ids.index)
    return table
