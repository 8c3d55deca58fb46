"""Banks of recorded clips held by a layer (noise, impulse responses): the
checks at construction and the loading from a folder of WAV files."""

import numpy as np

from keras_reg import _validation
from keras_reg.augment._params import known_values
from keras_reg.augment.audio._wav import load_wav_bank


def check_sample_rates(bank_sample_rate, sample_rate, name):
    """Both rates as ints, refused when they differ."""
    sample_rate = _validation.check_positive_int(sample_rate, "sample_rate")
    bank_sample_rate = _validation.check_positive_int(bank_sample_rate, "bank_sample_rate")
    if bank_sample_rate != sample_rate:
        raise ValueError(
            f"Argument `bank_sample_rate` ({bank_sample_rate} Hz) differs from the layer's "
            f"`sample_rate` ({sample_rate} Hz): resample `{name}` first (e.g. "
            "`load_wav_bank(folder, sample_rate, resample=True)`)."
        )
    return bank_sample_rate, sample_rate


def check_bank(bank, name, silent_reason):
    """``bank`` as a float32 (clips, samples) NumPy array of finite, non-silent
    clips; ``silent_reason`` says why a silent clip is refused."""
    values = known_values(bank)
    if values is None:
        raise ValueError(f"Argument `{name}` must hold known values (an array or an eager "
                         "tensor), not a symbolic tensor.")
    dtype = str(values.dtype)
    if not (dtype.startswith("float") or dtype.startswith("bfloat")):
        raise TypeError(f"Argument `{name}` must hold float samples (scale integer PCM to "
                        f"[-1, 1] first). Received dtype {dtype}.")
    if values.ndim != 2:
        raise ValueError(f"Argument `{name}` must have shape (clips, samples). Received "
                         f"shape {values.shape}.")
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"Argument `{name}` is empty: it needs at least one clip of at "
                         f"least one sample. Received shape {values.shape}.")
    values = values.astype("float32")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"Argument `{name}` must hold finite samples.")
    silent = np.nonzero(np.mean(values**2, axis=1) == 0)[0]
    if len(silent):
        raise ValueError(f"Argument `{name}` holds silent clips (indices "
                         f"{silent[:10].tolist()}): {silent_reason}. Remove them.")
    return values


class WavBankLayer:
    """``from_wav_folder`` for a layer built on a bank: its first argument is
    the bank, with ``bank_sample_rate`` and ``sample_rate`` keywords."""

    #: how a clip shorter than the bank's length is extended (see ``load_wav_bank``).
    wav_pad = "zeros"

    @classmethod
    def from_wav_folder(cls, folder, sample_rate=16000, length=None, resample=False, **kwargs):
        """The layer with its bank read once from the WAV files of ``folder``
        by ``load_wav_bank(folder, sample_rate, length, resample, pad)``
        (``pad``: the layer's ``wav_pad``); ``kwargs`` go to the layer. The
        bank is then stored in the layer's config like any other."""
        bank = load_wav_bank(folder, sample_rate, length=length, resample=resample,
                             pad=cls.wav_pad)
        return cls(bank, bank_sample_rate=sample_rate, sample_rate=sample_rate, **kwargs)
