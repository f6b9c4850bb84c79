"""AppTest of widgets.controls: each shared control and guard, driven through a tiny script."""

from streamlit.testing.v1 import AppTest

from poolinglab.settings import LIMITS


def run(script, **state):
    at = AppTest.from_function(script, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def slider_script():
    import streamlit as st

    from widgets.controls import remembered_slider

    st.text(str(remembered_slider("Row", st.session_state.get("top", 10), key="row", default=3)))


def test_the_slider_starts_at_its_default_and_keeps_a_value_that_still_fits():
    at = run(slider_script)
    assert at.slider(key="row").value == 3 and at.text[0].value == "3"
    at.slider(key="row").set_value(8).run()
    at.session_state["top"] = 9
    at.run()
    assert at.slider(key="row").value == 8 and at.slider(key="row").max == 9


def test_the_slider_pulls_a_kept_value_back_and_is_left_out_with_no_room():
    at = run(slider_script)
    at.slider(key="row").set_value(8).run()
    at.session_state["top"] = 5
    at.run()
    assert at.slider(key="row").value == 5 and at.text[0].value == "5"
    at.session_state["top"] = 0
    at.run()
    assert not at.slider and at.text[0].value == "0"


def plane_script():
    import streamlit as st

    from widgets.controls import plane_select

    st.text(str(plane_select(st.session_state.get("planes", 3), key="plane", label="Plane to show")))


def test_a_photo_gets_a_red_green_blue_pick_and_one_plane_none():
    at = run(plane_script)
    box = at.selectbox(key="plane")
    assert box.label == "Plane to show" and box.options == ["red", "green", "blue"]
    box.set_value(2).run()
    assert at.text[0].value == "2"
    at.session_state["planes"] = 1
    at.run()
    assert not at.selectbox and at.text[0].value == "0"


def reseed_script():
    import streamlit as st

    from widgets.controls import reseed_button

    reseed_button("New numbers", key="again", seed_key="_seed")
    st.text(str(st.session_state.get("_seed", 0)))


def test_reseed_moves_the_seed_on_and_wraps_at_the_largest():
    at = run(reseed_script)
    assert at.text[0].value == "0"
    at.button(key="again").click().run()
    assert at.text[0].value == "1"
    at.session_state["_seed"] = LIMITS["seed"][1] - 1
    at.button(key="again").click().run()
    assert at.text[0].value == "0"


def guard_script():
    import numpy as np
    import streamlit as st

    from poolinglab.settings import PoolSettings
    from widgets.context import PageContext
    from widgets.controls import require_choice, require_layer

    side = st.session_state.get("side", 8)
    lab = PageContext(PoolSettings(), np.zeros((1, side, side)), "zeros", st.empty(), "zeros")
    require_layer(lab, (side, side), what="this grid", otherwise=lambda: st.text("drawn anyway"))
    require_choice(st.session_state.get("modes", ["max"]), stop=st.session_state.get("stop", True))
    st.text("the page goes on")


def test_a_layer_that_fits_lets_the_page_go_on():
    at = run(guard_script)
    assert [t.value for t in at.text] == ["Output: 4 × 4 from 8 × 8 (rows × columns)", "the page goes on"]
    assert not at.warning


def test_a_layer_that_cannot_pool_says_so_draws_what_needs_no_layer_and_stops():
    at = run(guard_script, side=1)
    assert [w.value for w in at.warning] == [
        "This layer cannot pool this grid: the sidebar says why. Change a setting there."]
    assert at.error and [t.value for t in at.text] == ["drawn anyway"]


def test_no_mode_chosen_asks_for_one_and_stops_unless_told_not_to():
    at = run(guard_script, modes=[])
    assert [w.value for w in at.warning] == ["Choose at least one mode above."]
    assert "the page goes on" not in [t.value for t in at.text]
    at = run(guard_script, modes=[], stop=False)
    assert at.warning and at.text[-1].value == "the page goes on"


def centre_script():
    import numpy as np
    import streamlit as st

    from widgets.controls import centre_ui, chart_centre_note

    side = st.session_state.get("side", 300)
    planes = np.zeros((3, side, side))
    work = centre_ui(planes, 256)
    chart_centre_note(work[:, :100, :100], work.shape)
    st.text(f"{work.shape}")


def test_a_big_image_is_cut_to_its_centre_and_the_page_says_so():
    at = run(centre_script)
    assert [i.value for i in at.info] == ["The image is larger than 256 px: this page tests its centre 256 × 256."]
    assert [t.value for t in at.text] == ["The chart uses the centre 100 × 100 of the image, to stay quick.",
                                          "(3, 256, 256)"]
    at = run(centre_script, side=100)
    assert not at.info and at.text[-1].value == "(3, 100, 100)"


def crop_script():
    import streamlit as st

    from widgets.controls import crop_ui

    hw = st.session_state.get("hw", (100, 60))
    st.text(str(crop_ui(hw, 48, keys=("top", "left"))))


def test_the_crop_starts_centred_and_is_pulled_back_inside_a_smaller_image():
    at = run(crop_script)
    assert at.text[0].value == "(26, 6, 48, 48)"  # (100 - 48) // 2, (60 - 48) // 2
    at.slider(key="top").set_value(52).run()
    at.session_state["hw"] = (50, 30)  # smaller than the crop across: the whole width, no left slider
    at.run()
    assert at.text[0].value == "(2, 0, 48, 30)"
    assert [s.key for s in at.slider] == ["top"]


def zoom_script():
    import streamlit as st

    from widgets.zoom_input import zoom_ui

    out_hw = st.session_state.get("out_hw", (20, 30))
    st.text(str(zoom_ui(out_hw, (8, 8), 3, prefix="z")))


def test_the_zoom_keeps_its_region_inside_the_output():
    at = run(zoom_script)
    top, left, rows, cols, plane = eval(at.text[0].value)
    assert 0 <= top <= 20 - rows and 0 <= left <= 30 - cols and 1 <= rows <= 8 and 1 <= cols <= 8 and plane == 0
    at.slider(key="z_top").set_value(20 - rows).run()
    at.session_state["out_hw"] = (10, 30)
    at.run()
    top, _, rows, _, _ = eval(at.text[0].value)
    assert top + rows <= 10 and {w.key for w in at.number_input} == {"z_rows", "z_cols"}


def cell_script():
    import streamlit as st

    from widgets.stack_input import cell_ui, take_click

    st.session_state.setdefault("chart", {"selection": {"points": [{"customdata": [3, 1]}]}})
    if st.session_state.get("clicked"):
        take_click("chart")
    st.text(str(cell_ui((4, 6))))


def test_the_deep_cell_starts_in_the_middle_and_a_click_fills_it_in():
    at = run(cell_script)
    assert at.text[0].value == "(2, 3)"
    at.session_state["clicked"] = True
    at.run()
    assert at.text[0].value == "(3, 1)"


def page_inputs_script():
    import streamlit as st

    from widgets.gallery_input import fractional_ui, seed_ui
    from widgets.labels import MODE_LABELS
    from widgets.noise_input import noise_ui
    from widgets.shift_input import shift_ui

    st.text(str(shift_ui(2, (3, 40), {**MODE_LABELS, "blurmax": "Anti-aliased max"})))
    st.text(str(noise_ui()))
    st.text(str((seed_ui(), fractional_ui())))


def test_the_pages_own_inputs_start_at_their_defaults():
    at = run(page_inputs_script)
    assert at.text[0].value == "((0, 1), ['max', 'avg', 'blurmax'])"
    assert at.slider(key="shift_dy").max == 2 and at.slider(key="shift_dx").max == 4  # dy kept inside 3 rows
    assert at.text[1].value == "('salt-and-pepper', 0.05, 0, ['max', 'avg'])"
    assert at.text[2].value == "(0, (0.7, 0, 32))"
