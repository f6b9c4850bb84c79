"""AppTest of the Backward pass page: it runs, its widgets act, and it shows the core's gradients."""

import numpy as np
import pytest
from apptest_helpers import chart_by_key, errors, no_exception, open_alone, texts
from helpers import plotly_array

from figures.backward import cell_labels
from pooling import pool2d, pool_backward
from pooling.backward import gradient_sources, upstream_gradient
from poolinglab.intake import images
from poolinglab.intake.samples import SAMPLE_NAMES, load_sample

PAGE = "pages/backward_pass.py"
DEFAULT_GRID = images.random_grid((6, 6), rng=0).astype(np.float64)  # the sweep input's default


def panels(at, key):
    """(title, z, text) of each heatmap panel of a chart, in order."""
    spec = chart_by_key(at, key)
    return [(t["name"], plotly_array(t["z"], float), t.get("text")) for t in spec["data"] if t["type"] == "heatmap"]


def expected(grid, grad_output, **layer):
    """The core's input gradient and gradient sources for max, avg and stochastic (training, seed 0)."""
    layer = {"kernel_size": 2, "stride": 2, **layer}
    results = [pool2d(grid, "max", **layer), pool2d(grid, "avg", **layer),
               pool2d(grid, "stochastic", **layer, train=True, rng=0)]
    return [pool_backward(r, grad_output) for r in results], [gradient_sources(r) for r in results]


def assert_routing_is_the_cores(at, grid, grad_output, **layer):
    grads, sources = expected(grid, grad_output, **layer)
    shown = panels(at, "bwd_routing")
    assert [title for title, _, _ in shown][:3] == ["max", "average", "stochastic (training)"]
    for (title, z, text), grad in zip(shown, grads):
        np.testing.assert_allclose(z.reshape(grad.shape), grad, rtol=1e-6, err_msg=title)
        assert text == cell_labels(grad).tolist(), title
    for (title, z, _), counts in zip(panels(at, "bwd_fan_in"), sources):
        assert z.reshape(counts.shape).tolist() == counts.tolist(), title
    return grads


def test_runs_on_its_own_and_shows_the_cores_gradients_for_ones():
    at = open_alone(PAGE)
    assert at.title[0].value == "Backward pass"
    assert at.radio(key="bwd_grad_source").value == "ones"
    grads = assert_routing_is_the_cores(at, DEFAULT_GRID, np.ones((3, 3)))
    lines = [t for t in texts(at) if "input cells get a gradient" in t]
    assert lines[0] == "max: 9 of 36 input cells get a gradient; it sums to 9 (the upstream gradient sums to 9)."
    assert lines[1].startswith(f"average: {np.count_nonzero(grads[1])} of 36")
    assert any("do not overlap" in m.value for m in at.markdown)
    assert not errors(at) and not at.warning


def test_random_gradient_is_the_cores_and_new_gradient_changes_it():
    at = open_alone(PAGE)
    at.radio(key="bwd_grad_source").set_value("random").run()
    grad = upstream_gradient((3, 3), "random", rng=0)
    (_, up_z, _), = [p for p in panels(at, "bwd_upstream") if p[0] == "upstream gradient"]
    assert up_z.reshape(3, 3).tolist() == grad.tolist()
    assert_routing_is_the_cores(at, DEFAULT_GRID, grad)
    at.button(key="bwd_grad_reroll").click().run()
    assert_routing_is_the_cores(at, DEFAULT_GRID, upstream_gradient((3, 3), "random", rng=1))


def test_typed_gradient_is_used_and_a_wrong_shape_names_both_shapes():
    at = open_alone(PAGE)
    at.radio(key="bwd_grad_source").set_value("typed").run()
    assert at.text_area(key="bwd_grad_text").value.split() == [str(i) for i in range(1, 10)]  # filled to 3 x 3
    at.text_area(key="bwd_grad_text").set_value("1 -2 0\n0.5 3 1\n2 2 -1").run()
    assert_routing_is_the_cores(at, DEFAULT_GRID, np.array([[1, -2, 0], [0.5, 3, 1], [2, 2, -1]]))
    at.text_area(key="bwd_grad_text").set_value("1 2\n3 4").run()
    no_exception(at)
    wrong_shape = "The typed gradient is 2 × 2 but the output is 3 × 3 (rows × columns): type one number per output cell."
    assert errors(at) == [wrong_shape]
    assert all("bwd_routing" not in c.proto.id for c in at.get("plotly_chart"))
    at.button(key="bwd_grad_fit").click().run()
    assert not errors(at)
    assert_routing_is_the_cores(at, DEFAULT_GRID, np.arange(1.0, 10.0).reshape(3, 3))


def test_typed_gradient_that_is_not_numbers_says_where():
    at = open_alone(PAGE)
    at.radio(key="bwd_grad_source").set_value("typed").run()
    at.text_area(key="bwd_grad_text").set_value("1 2 3\n4 <b>x</b> 6\n7 8 9").run()
    no_exception(at)
    assert errors(at) == ["In row 2, value 2 ('<b>x</b>') is not a number. Use digits such as 3, -1.5 or 2e3."]


def test_overlapping_windows_add_gradients_and_the_button_makes_them_overlap():
    at = open_alone(PAGE)
    at.button(key="bwd_overlap").click().run()
    assert at.number_input(key="stride").value == 1
    assert_routing_is_the_cores(at, DEFAULT_GRID, np.ones((5, 5)), stride=1)
    _, sources = expected(DEFAULT_GRID, np.ones((5, 5)), stride=1)
    line = next(t for t in texts(at) if "cell(s) from two or more outputs" in t)
    assert line == "; ".join(f"{name}: {np.count_nonzero(s >= 2)} cell(s) from two or more outputs"
                             for name, s in zip(["max", "average", "stochastic (training)"], sources))
    assert any("receives the sum of their gradients" in m.value for m in at.markdown)


def test_sidebar_layer_is_used_and_its_own_mode_gets_a_panel():
    at = open_alone(PAGE)
    at.number_input(key="kernel_h").set_value(3).run()
    at.selectbox(key="mode").set_value("lp").run()
    grad_output = np.ones((2, 3))
    assert_routing_is_the_cores(at, DEFAULT_GRID, grad_output, kernel_size=(3, 2))
    title, z, _ = panels(at, "bwd_routing")[3]
    assert title == "sidebar: lp (p-norm)"
    lp = pool_backward(pool2d(DEFAULT_GRID, "lp", (3, 2), stride=2, p=2.0), grad_output)
    np.testing.assert_allclose(z.reshape(lp.shape), lp, rtol=1e-6)


def test_a_layer_that_cannot_pool_the_grid_is_explained():
    at = open_alone(PAGE)
    at.number_input(key="padding").set_value(2).run()
    no_exception(at)
    assert any("padding (2) must be at most kernel_size // 2 (1)" in e for e in errors(at))
    assert "This layer cannot pool this grid" in at.warning[0].value


def test_negative_numbers_drop_stochastic_with_the_cores_reason():
    at = open_alone(PAGE)
    at.radio(key="sweep_source").set_value("typed").run()
    at.text_area(key="sweep_text").set_value("1 -2\n3 4").run()
    no_exception(at)
    assert "stochastic pooling needs x \\>= 0" in at.warning[0].value
    assert [p[0] for p in panels(at, "bwd_routing")] == ["max", "average"]


def test_the_same_view_on_a_crop_of_the_image():
    at = open_alone(PAGE)
    at.radio(key="sweep_source").set_value("crop").run()
    at.slider(key="sweep_top").set_value(200).run()
    at.slider(key="sweep_left").set_value(250).run()
    planes = images.to_planes(images.working_image(load_sample(SAMPLE_NAMES[0]).pixels, 512), "rgb")
    crop = planes[0, 200:206, 250:256].astype(np.float64)
    (_, shown, _), _ = panels(at, "bwd_upstream")
    assert shown.reshape(6, 6).tolist() == crop.tolist()
    chart_by_key(at, "bwd_crop_preview")
    assert_routing_is_the_cores(at, crop, np.ones((3, 3)))


def test_every_page_widget_key_is_prefixed():
    at = open_alone(PAGE)
    at.radio(key="bwd_grad_source").set_value("random").run()
    keys = {w.key for w in at.main if getattr(w, "key", None)}
    own = {k for k in keys if not k.startswith("sweep_")}
    assert own and all(k.startswith("bwd_") for k in own), own


def test_every_sidebar_mode_and_padding_kind_runs_and_matches_the_core():
    at = open_alone(PAGE)
    at.radio(key="bwd_grad_source").set_value("random").run()
    for mode, panel in [("min", "sidebar: min"), ("mixed", "sidebar: mixed (max and average)"), ("avg", None)]:
        at.selectbox(key="mode").set_value(mode).run()
        no_exception(at)
        titles = [p[0] for p in panels(at, "bwd_routing")]
        assert titles[3:] == ([panel] if panel else []), mode
    at.selectbox(key="mode").set_value("stochastic").run()
    at.checkbox(key="stochastic_train").uncheck().run()
    assert [p[0] for p in panels(at, "bwd_routing")][3:] == ["sidebar: stochastic"]
    at.radio(key="padding_kind").set_value("same").run()
    at.number_input(key="kernel_h").set_value(3).run()
    at.checkbox(key="ceil_mode").check().run()
    no_exception(at)
    grad = upstream_gradient((3, 3), "random", rng=0)
    results = [pool2d(DEFAULT_GRID, "max", (3, 2), stride=2, padding="same", ceil_mode=True),
               pool2d(DEFAULT_GRID, "avg", (3, 2), stride=2, padding="same", ceil_mode=True)]
    for (title, z, _), r in zip(panels(at, "bwd_routing"), results):
        np.testing.assert_allclose(z.reshape(6, 6), pool_backward(r, grad), rtol=1e-6, err_msg=title)


def sums_caption(at):
    return next(c.value for c in at.caption if "sums" in c.value)


REASONS = {
    "lp": ("Lp pooling does not share its gradient out: each cell of a window gets the upstream gradient times "
           "(|x| / Lp)^(p − 1) and the sign of x, and those factors need not add up to 1; at p = 1, Lp is the plain "
           "sum of |x|, so every nonzero cell gets the whole gradient."),
    "stochastic": ("at test time its output is the sum of x² over the sum of x, a nonlinear function of the window, "
                   "and the gradient is that function's derivative at this input, which need not sum to the "
                   "gradient that came from above."),
}


def test_the_sums_sentence_names_the_modes_whose_sums_match():
    at = open_alone(PAGE)
    assert sums_caption(at) == ("The sums match for max, average and stochastic (training): each window hands on "
                                "exactly the gradient it got.")
    for title, grad in zip(["max", "average", "stochastic (training)"], expected(DEFAULT_GRID, np.ones((3, 3)))[0]):
        assert grad.sum() == pytest.approx(9), title


@pytest.mark.parametrize(("mode", "train", "title"), [("lp", True, "Sidebar: lp (p-norm)"),
                                                      ("stochastic", False, "Sidebar: stochastic")])
def test_lp_and_stochastic_test_say_why_their_sums_differ(mode, train, title):
    at = open_alone(PAGE)
    at.selectbox(key="mode").set_value(mode).run()
    if not train:
        at.checkbox(key="stochastic_train").uncheck().run()
    extra = {"p": 2.0} if mode == "lp" else {"train": False}
    total = pool_backward(pool2d(DEFAULT_GRID, mode, 2, stride=2, **extra)).sum()
    assert abs(total - 9) > 0.5  # e.g. 14.96 for Lp: not the upstream 9
    caption = sums_caption(at)
    assert caption.startswith("The sums match for max, average and stochastic (training):")
    assert f"{title} sums to {total:.4g}, not 9: {REASONS[mode]}" in caption


def test_lp_at_p_1_is_the_plain_sum_every_nonzero_cell_gets_the_whole_gradient():
    # An outside review: the page called Lp at p = 1 "a nonlinear function of the window"; on x >= 0 it is the sum.
    x = np.abs(DEFAULT_GRID)
    grad = pool_backward(pool2d(x, "lp", 2, stride=2, p=1.0))
    assert grad.sum() == np.count_nonzero(x[: x.shape[0] // 2 * 2, : x.shape[1] // 2 * 2])


def test_divisor_override_and_counted_padding_are_named_from_the_numbers():
    at = open_alone(PAGE)
    at.selectbox(key="mode").set_value("avg").run()
    at.number_input(key="divisor_override").set_value(3).run()
    total = pool_backward(pool2d(DEFAULT_GRID, "avg", 2, stride=2, divisor_override=3)).sum()
    assert sums_caption(at) == ("The sums match for max and stochastic (training): each window hands on exactly the "
                                f"gradient it got. Average sums to {total:.4g}, not 9: it divides by divisor_override "
                                "(3), not by the number of cells it shares the gradient among.")
    at.number_input(key="divisor_override").set_value(4).run()  # the window's own size: the sums match again
    assert "not 9" not in sums_caption(at)
    at.number_input(key="divisor_override").set_value(0).run()
    at.number_input(key="kernel_h").set_value(3).run()
    at.number_input(key="padding").set_value(1).run()
    total = pool_backward(pool2d(DEFAULT_GRID, "avg", (3, 2), stride=2, padding=1)).sum()
    assert f"Average sums to {total:.4g}, not 12: part of it fell on padding" in sums_caption(at)
    at.checkbox(key="count_include_pad").uncheck().run()  # padding left out of the divisor: nothing is lost
    assert sums_caption(at).startswith("The sums match for max, average and stochastic (training):")
