"""The websocket client's bookkeeping, without a server: widget states, the message cache, widget merging."""

import pytest
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.streamlit_ws import Session, _MessageCache, _with_value, state_value, stream_url, user_key, widget_state

ID = "$$ID-0123456789abcdef0123456789abcdef-"


def slider(key, *, default, value=None, kind=Slider.SLIDER, options=()):
    element = Element()
    element.slider.id = ID + key
    element.slider.type = kind
    element.slider.default[:] = default
    element.slider.options[:] = options
    if value is not None:
        element.slider.set_value = True
        if kind == Slider.SELECT_SLIDER:
            element.slider.raw_value[:] = value
        else:
            element.slider.value[:] = value
    return element


def test_user_key_is_what_follows_the_hash():
    assert user_key(ID + "kernel_h") == "kernel_h"
    assert user_key(ID + "a-key-with-dashes") == "a-key-with-dashes"
    assert user_key(ID + "None") is None


def test_stream_url():
    assert stream_url(8501, host="localhost") == "ws://localhost:8501/_stcore/stream"


def test_a_slider_sends_its_default_until_the_server_sets_a_value():
    assert state_value(widget_state(slider("s", default=[5.0]))) == [5.0]
    assert state_value(widget_state(slider("s", default=[5.0], value=[7.0]))) == [7.0]


def test_a_select_slider_sends_the_shown_option_text():
    options = ("1", "1.5", "2", "∞")
    assert state_value(widget_state(slider("p", default=[2], kind=Slider.SELECT_SLIDER, options=options))) == ["2"]
    chosen = slider("p", default=[2], kind=Slider.SELECT_SLIDER, options=options, value=["∞"])
    assert state_value(widget_state(chosen)) == ["∞"]


def test_an_int_number_input_sends_an_int_and_a_float_one_a_double():
    element = Element()
    element.number_input.id = ID + "kernel_h"
    element.number_input.data_type = NumberInput.INT
    element.number_input.default = 1
    element.number_input.value = 2
    element.number_input.set_value = True
    state = widget_state(element)
    assert state.WhichOneof("value") == "int_value" and state.int_value == 2
    element.number_input.data_type = NumberInput.FLOAT
    assert widget_state(element).WhichOneof("value") == "double_value"


def test_a_selectbox_sends_the_option_at_its_default_index():
    element = Element()
    element.selectbox.id = ID + "mode"
    element.selectbox.options[:] = ["Max", "Min", "Average"]
    element.selectbox.default = 2
    assert state_value(widget_state(element)) == "Average"


def test_elements_that_are_not_widgets_have_no_state():
    element = Element()
    element.markdown.body = "hello"
    assert widget_state(element) is None


def test_a_new_value_goes_in_the_field_the_widget_uses():
    assert state_value(_with_value(WidgetState(id="x", int_value=2), 3)) == 3
    assert state_value(_with_value(widget_state(slider("s", default=[0.05])), 0.1)) == [0.1]
    with pytest.raises(ValueError, match="cannot be set"):
        _with_value(WidgetState(id="b", trigger_value=True), True)


def message(text, fragment_id=""):
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = text
    msg.delta.fragment_id = fragment_id
    msg.hash = text
    return msg


def test_the_message_cache_forgets_what_no_run_used_for_more_than_max_age_runs():
    cache = _MessageCache()
    cache.add(message("kept"), "")
    cache.add(message("dropped"), "")
    for _ in range(3):
        assert cache.get("kept") is not None
        cache.end_run()
    assert cache.hashes() == ["kept"]


def test_a_fragment_run_ages_only_that_fragments_messages():
    cache = _MessageCache()
    cache.add(message("page"), "")
    cache.add(message("in the fragment", "f1"), "f1")
    for _ in range(3):
        cache.end_run("f1")
    assert cache.hashes() == ["page"]


def drawn(state, *, set_by_server=False, fragment_id=""):
    return {state.id: (state, set_by_server, fragment_id)}


def test_a_value_the_user_gave_outlives_the_elements_default_but_not_a_server_set_value():
    session = Session(websocket=None)
    session._keep_widgets(drawn(WidgetState(id=ID + "k", int_value=2)), prune=True)
    session.widgets[ID + "k"] = WidgetState(id=ID + "k", int_value=5)  # what set_widget does
    session._keep_widgets(drawn(WidgetState(id=ID + "k", int_value=2)), prune=True)
    assert session.value("k") == 5
    session._keep_widgets(drawn(WidgetState(id=ID + "k", int_value=9), set_by_server=True), prune=True)
    assert session.value("k") == 9


def test_a_full_run_forgets_widgets_it_did_not_draw_and_a_fragment_run_does_not():
    session = Session(websocket=None)
    session._keep_widgets({**drawn(WidgetState(id=ID + "a", int_value=1)),
                           **drawn(WidgetState(id=ID + "b", int_value=1))}, prune=True)
    session._keep_widgets(drawn(WidgetState(id=ID + "b", int_value=1), fragment_id="f"), prune=False)
    assert sorted(session.widget_keys()) == ["a", "b"]
    session._keep_widgets(drawn(WidgetState(id=ID + "b", int_value=1)), prune=True)
    assert session.widget_keys() == ["b"]
    with pytest.raises(KeyError, match="no widget with key 'a'"):
        session.widget_id("a")
