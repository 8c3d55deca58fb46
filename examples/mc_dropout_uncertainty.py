"""Monte Carlo dropout on digits: misclassified samples have a higher
predictive standard deviation than correct ones.

Trains a small MLP with dropout, then ``keras_reg.uncertainty.mc_predict``
runs stochastic passes with only the dropout layers active. Prints the mean
predictive std (of the predicted class's probability) for correct and wrong
predictions and writes a histogram.

    KERAS_BACKEND=jax python examples/mc_dropout_uncertainty.py --out mc_dropout.png
"""

import argparse

import keras
import numpy as np
from _digits import shuffled_digits

import keras_reg


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--samples", type=int, default=50, help="MC passes")
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--out", default="mc_dropout.png", help="histogram path ('' to skip)")
    args = parser.parse_args(argv)

    x, y = shuffled_digits()
    n = args.train_size
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(256, activation="relu"),
        keras_reg.layers.Dropout(0.5, seed=1),
        keras.layers.Dense(256, activation="relu"),
        keras_reg.layers.Dropout(0.5, seed=2),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x[:n], y[:n], epochs=args.epochs, batch_size=32, verbose=0)

    mean, std = keras_reg.uncertainty.mc_predict(model, x[n:], samples=args.samples,
                                                 batch_size=512)
    predicted = mean.argmax(axis=1)
    spread = std[np.arange(len(predicted)), predicted]
    wrong = predicted != y[n:]
    print(f"accuracy {1 - wrong.mean():.3f} on {len(wrong)} held-out digits")
    print(f"mean predictive std, correct:       {spread[~wrong].mean():.4f}")
    print(f"mean predictive std, misclassified: {spread[wrong].mean():.4f}")
    if args.out:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.2))
        bins = np.linspace(0, spread.max() + 1e-6, 30)
        ax.hist(spread[~wrong], bins=bins, alpha=0.6, density=True, label="correct")
        ax.hist(spread[wrong], bins=bins, alpha=0.6, density=True, label="misclassified")
        ax.set_xlabel("MC-dropout std of the predicted class probability")
        ax.set_ylabel("density")
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.out, dpi=110)
        plt.close(fig)
    return spread[~wrong].mean(), spread[wrong].mean()


if __name__ == "__main__":
    main()
