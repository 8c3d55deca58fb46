"""``get_config`` and ``from_config`` for callbacks whose config is their
constructor's arguments, kept as attributes of the same names."""

import inspect


class ArgumentsConfig:
    """Mixin: the config is every argument of ``__init__`` (read back from
    the attribute of its name) except those in ``NOT_IN_CONFIG``."""

    NOT_IN_CONFIG = ()

    def get_config(self):
        parameters = inspect.signature(type(self).__init__).parameters.values()
        return {
            p.name: getattr(self, p.name)
            for p in parameters
            if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
            and p.name not in self.NOT_IN_CONFIG
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
