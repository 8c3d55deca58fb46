"""Model wrappers that change how a model trains."""

from keras_reg.models.sharpness_aware import SharpnessAwareMinimization

__all__ = ["SharpnessAwareMinimization"]
