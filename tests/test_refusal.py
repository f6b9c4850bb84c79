"""poolinglab.refusal: a refused pooling becomes a Refusal with the core's message; other errors go on up."""

import numpy as np
import pytest

from pooling import pool2d
from poolinglab.refusal import Refusal, attempt


def test_a_value_error_becomes_a_refusal_with_the_same_message():
    with pytest.raises(ValueError) as raised:
        pool2d(-np.ones((4, 4)), "stochastic", 2)
    refused = attempt(pool2d, -np.ones((4, 4)), "stochastic", 2)
    assert refused == Refusal(str(raised.value)) and str(refused) == str(raised.value)


def test_a_result_is_returned_as_it_is_and_other_errors_go_on_up():
    result = attempt(pool2d, np.arange(16.0).reshape(4, 4), "avg", kernel_size=2)
    np.testing.assert_array_equal(result.values, [[2.5, 4.5], [10.5, 12.5]])
    with pytest.raises(TypeError):
        attempt(pool2d, np.ones((4, 4)), "max", kernel_size="two")
