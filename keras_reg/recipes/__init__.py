"""Training recipes assembled from keras_reg's parts, every piece replaceable."""

from keras_reg.recipes.image_classification import ImageClassificationRecipe, image_classification

__all__ = ["ImageClassificationRecipe", "image_classification"]
