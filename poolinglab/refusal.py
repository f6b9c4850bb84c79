"""One form for "this pooling cannot pool this input": a :class:`Refusal` where the result would be.

The core says why it cannot pool an input by raising ``ValueError`` (a
stochastic pooling of negative numbers, a window larger than the padded
input). A page that shows several poolings keeps going with the others, so
it keeps each result or the reason it has none side by side, in one dict,
and asks ``isinstance(value, Refusal)``.
"""

from dataclasses import dataclass

__all__ = ["Refusal", "attempt"]


@dataclass(frozen=True)
class Refusal:
    """Why a pooling gave no result: the core's own message.

    Examples
    --------
    >>> str(Refusal("kernel_size (9) must be at most the padded input (4)"))
    'kernel_size (9) must be at most the padded input (4)'
    """

    reason: str

    def __str__(self):
        return self.reason


def attempt(func, /, *args, **kwargs):
    """``func(*args, **kwargs)``, or a :class:`Refusal` with the message of the ``ValueError`` it raised.

    Other exceptions are bugs, not refusals, and go on up.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling import pool2d
    >>> attempt(pool2d, np.arange(16.0).reshape(4, 4), "max", 2).values.tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> attempt(pool2d, np.arange(4.0).reshape(2, 2), "max", 3)  # doctest: +ELLIPSIS
    Refusal(reason='...')
    """
    try:
        return func(*args, **kwargs)
    except ValueError as err:
        return Refusal(str(err))
