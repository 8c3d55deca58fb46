"""matplotlib, imported when a figure is drawn (it is an optional dependency)."""


def pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "keras_reg.plot needs matplotlib: pip install 'keras-reg[examples]' "
            "(or pip install matplotlib)."
        ) from e
    return plt
