"""The Pooling over time page's sentence that depends on the numbers: does the word order change the vectors?"""

import numpy as np

__all__ = ["order_words"]


def order_words(forward, backward):
    """Whether max and average over time give the same vectors for the words in the opposite order.

    Parameters
    ----------
    forward, backward : dict
        Each with ``"max"`` and ``"avg"``, the pooled vectors ``(F,)`` of the
        sentence and of its words reversed.

    Returns
    -------
    str
        Max vectors are compared exactly (a max picks a value, it does not
        add any); averages to within rounding (rtol 1e-12), as a sum in
        another order may differ in its last bits.

    Examples
    --------
    >>> a = {"max": np.array([3.0, 1.0]), "avg": np.array([0.1 + 0.2, 1.0])}
    >>> b = {"max": np.array([3.0, 1.0]), "avg": np.array([0.2 + 0.1, 1.0])}
    >>> order_words(a, b)
    'In the opposite word order: max vector the same, average vector the same.'
    >>> order_words(a, {"max": np.array([3.0, 2.0]), "avg": np.array([0.3, 2.0])})
    'In the opposite word order: max vector different, average vector different.'
    """
    same_max = np.array_equal(backward["max"], forward["max"])
    same_avg = np.allclose(backward["avg"], forward["avg"], rtol=1e-12, atol=0)
    return (f"In the opposite word order: max vector {'the same' if same_max else 'different'}, "
            f"average vector {'the same' if same_avg else 'different'}.")
