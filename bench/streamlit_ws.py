"""A small websocket client for a running Streamlit server: open a page, rerun it, move a widget, time it.

It speaks the same protocol as Streamlit's own frontend, so a benchmark or a
test can drive many sessions of a real ``streamlit run`` server without a
browser::

    async with connect(8501, page="max_vs_average") as session:
        first = await session.rerun()              # the session's first run
        warm = await session.rerun()               # nothing changed: caches warm
        moved = await session.set_widget("kernel_h", 3)
        print(moved.seconds, moved.bytes_received, moved.exceptions)

The protocol, as Streamlit 1.67 speaks it
-----------------------------------------
Server. Streamlit 1.67 serves through Starlette and uvicorn, not Tornado
(Tornado is no longer installed), so the client uses the ``websockets``
package that Streamlit itself depends on.

Connecting. ``ws://HOST:PORT/_stcore/stream`` (under ``server.baseUrlPath``
if one is set). The ``Sec-WebSocket-Protocol`` header is repurposed: its
first entry is the subprotocol to select (the frontend sends
``"streamlit"``), the second an XSRF token, the third a session id to
reconnect to. With ``server.enableXsrfProtection`` on, the XSRF token is
only checked when the request carries an ``Origin`` header, and only decides
whether the auth cookie is read; a client that sends no ``Origin`` is
accepted without one. The server sends nothing until the client asks for a
run.

A run. The client sends a ``BackMsg`` whose ``rerun_script`` is a
``ClientState``: the query string, the page, the widget states and the hashes
of the messages it has cached. The first run names its page by
``page_name``, which an ``st.navigation`` app matches against each page's
URL pathname (``"max_vs_average"``; ``""`` is the default page); the
``navigation`` message of that run gives the page's ``page_script_hash``,
which later runs send instead. The server answers with one ``ForwardMsg``
per websocket frame: ``new_session``, ``session_status_changed``, then
``navigation``, ``page_info_changed`` (the query string the script set),
``delta`` messages (``new_element``, ``add_block``) and finally
``script_finished``. A script that calls ``st.rerun()`` ends its run with
``FINISHED_EARLY_FOR_RERUN`` and the server starts the next run by itself,
with a new ``new_session``; the run the client waits for is the last one.

Widgets. A widget's id is ``$$ID-<md5>-<user key>``: the user key is
everything after the second ``-``. The hash depends on the page and on some
of the widget's arguments, so the same key has different ids on different
pages and the client always takes ids from the elements it received. Like
the frontend, the client remembers a value for every widget it was shown and
sends them all on each rerun: the element's ``value`` when the server set it
(``set_value``, e.g. from ``st.session_state``), else the value the client
already held for that id, else the element's default; widgets that a full
run did not draw are forgotten. Values travel in the field the frontend uses:
``double_array_value`` for sliders, ``int_value`` or ``double_value`` for
number inputs, the shown (formatted) option text as ``string_value`` for
selectboxes and radios, ``string_array_value`` for multiselects and select
sliders, ``bool_value`` for checkboxes. Buttons and chart selections are
triggers and are sent only when pressed, which this client does not do.

Uploads. A file uploader's state is a ``file_uploader_state_value`` listing
the files it holds. To upload, the client asks for an address with a
``file_urls_request`` BackMsg (the session id and the file's name); the
server answers with a ``file_urls_response`` naming a file id and an
``upload_url`` (``/_stcore/upload_file/<session>/<file id>``). The client
PUTs the bytes there as one multipart form field, with the XSRF cookie the
server set on an earlier GET and the same value in an ``X-Xsrftoken``
header, as the frontend does; then it reruns with the file listed in the
uploader's state.

Fragments. Elements drawn inside an ``st.fragment`` carry its id in
``delta.fragment_id``. Moving a widget there sends the rerun with that
``fragment_id``, as the frontend does: the server reruns the fragment alone
and ends with ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``.

Message cache. ``new_element`` deltas of at least
``global.minCachedMessageSize`` (10 kB) are marked ``metadata.cacheable``.
The client lists the hashes it holds in ``cached_message_hashes``, and the
server then sends a ``ref_hash`` message in place of a message the client
already has. The client keeps them as the frontend does: an entry not used
for more than ``max_cached_message_age`` (from ``new_session.config``, 2 by
default) finished runs is dropped (runs that end early for ``st.rerun()`` do
not count, and a fragment run only ages that fragment's messages). So
"bytes received" counts what a browser would receive, not what the page
draws. The hash is of the serialized message, so a figure whose JSON differs
in any byte (even in key order) from the last run's is sent again in full.

Bytes. ``bytes_received`` is the sum of the ForwardMsg payloads. The server
does not compress by default (``server.enableWebsocketCompression`` is
false), so that is also what goes over the wire, less a few bytes of frame
headers per message.
"""

import asyncio
import contextlib
import http.cookies
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

__all__ = ["RunResult", "Session", "connect", "state_value", "stream_url", "user_key", "widget_state"]

EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
DEFAULT_TIMEOUT = 60.0  # seconds a rerun may take before it counts as not finished
DEFAULT_MAX_AGE = 2  # Streamlit's global.maxCachedMessageAge, until new_session says otherwise


@dataclass
class RunResult:
    """What one rerun request gave back.

    Attributes
    ----------
    seconds : float
        Wall time from sending the request to receiving the ``script_finished``
        that ended it (the last of them when the script called ``st.rerun()``).
        On a timeout, the time until the client gave up.
    bytes_received : int
        Sum of the ForwardMsg payloads received in that time.
    messages : int
        Number of ForwardMsgs received.
    finished : bool
        False when the run did not finish within the timeout or the
        connection closed first.
    exceptions : list of str
        ``"Type: message"`` of every exception element the run drew.
    script_runs : int
        Script runs it took: 2 or more when the script called ``st.rerun()``.
    cached_refs : int
        Messages the server sent as a reference to one the client had cached.
    missing_refs : int
        References to messages the client did not have (should stay 0).
    texts : list of str
        The body of every ``st.text`` element the run drew, in order.
    page_not_found : str or None
        The page name the server could not find, if it said so.
    page_titles : list of str
        The titles of the pages in the last navigation menu the server sent.
    error : str or None
        Why the run did not finish, when it did not.
    """

    seconds: float = 0.0
    bytes_received: int = 0
    messages: int = 0
    finished: bool = False
    exceptions: list = field(default_factory=list)
    script_runs: int = 0
    cached_refs: int = 0
    missing_refs: int = 0
    texts: list = field(default_factory=list)
    page_not_found: object = None
    page_titles: list = field(default_factory=list)
    error: object = None


def stream_url(port, *, host="127.0.0.1", base_path=""):
    """The websocket URL of the Streamlit server on ``host:port``.

    Examples
    --------
    >>> stream_url(8501)
    'ws://127.0.0.1:8501/_stcore/stream'
    >>> stream_url(8501, base_path="/lab/")
    'ws://127.0.0.1:8501/lab/_stcore/stream'
    """
    prefix = base_path.strip("/")
    return f"ws://{host}:{port}/{prefix + '/' if prefix else ''}_stcore/stream"


def user_key(widget_id):
    """The user key in a widget id, or None when the widget has none.

    Examples
    --------
    >>> user_key("$$ID-6189f3d4e20e62a15f62a4557f0d8a95-kernel_h")
    'kernel_h'
    >>> user_key("$$ID-6189f3d4e20e62a15f62a4557f0d8a95-stk-kernel-0")
    'stk-kernel-0'
    >>> user_key("$$ID-6189f3d4e20e62a15f62a4557f0d8a95-None") is None
    True
    """
    key = widget_id.split("-", 2)[-1]
    return None if key == "None" else key


def widget_state(element):
    """The state the frontend would hold for a freshly drawn widget ``element``, or None.

    Parameters
    ----------
    element : streamlit.proto.Element_pb2.Element
        A ``new_element`` delta's element.

    Returns
    -------
    WidgetState or None
        The element's ``value`` when the server set it, else its default;
        None for elements that are not widgets, for triggers (buttons) and
        for widgets this client does not model (charts' selections, file
        uploaders, date inputs...), and for a widget with no value yet.
    """
    kind = element.WhichOneof("type")
    proto = getattr(element, kind, None) if kind else None
    state = WidgetState(id=getattr(proto, "id", ""))
    if kind == "slider" and proto.type == Slider.SELECT_SLIDER:
        picked = proto.raw_value if proto.set_value else [proto.options[int(i)] for i in proto.default]
        state.string_array_value.data[:] = list(picked)
    elif kind == "slider":
        state.double_array_value.data[:] = list(proto.value if proto.set_value else proto.default)
    elif kind == "number_input":
        number = proto.value if proto.set_value and proto.HasField("value") else (
            proto.default if proto.HasField("default") else None)
        if number is None:
            return None
        if proto.data_type == NumberInput.INT:
            state.int_value = int(number)
        else:
            state.double_value = number
    elif kind in ("selectbox", "radio"):
        if proto.set_value:
            if not proto.HasField("raw_value"):
                return None
            state.string_value = proto.raw_value
        elif proto.HasField("default") and proto.options:
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "multiselect":
        picked = proto.raw_values if proto.set_value else [proto.options[i] for i in proto.default]
        state.string_array_value.data[:] = list(picked)
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind in ("text_input", "text_area"):
        if proto.set_value and proto.HasField("value"):
            state.string_value = proto.value
        elif proto.HasField("default"):
            state.string_value = proto.default
        else:
            return None
    elif kind == "file_uploader":
        state.file_uploader_state_value.SetInParent()  # no file yet; Session.upload fills it
    else:
        return None
    return state


def _with_value(state, value):
    """A copy of ``state`` holding ``value`` in the same field."""
    new = WidgetState(id=state.id)
    kind = state.WhichOneof("value")
    if kind == "double_array_value":
        values = value if isinstance(value, (list, tuple)) else [value]
        new.double_array_value.data[:] = [float(v) for v in values]
    elif kind == "string_array_value":
        values = value if isinstance(value, (list, tuple)) else [value]
        new.string_array_value.data[:] = [str(v) for v in values]
    elif kind == "int_value":
        new.int_value = int(value)
    elif kind == "double_value":
        new.double_value = float(value)
    elif kind == "string_value":
        new.string_value = str(value)
    elif kind == "bool_value":
        new.bool_value = bool(value)
    else:
        raise ValueError(f"`value` cannot be set on a widget whose state is {kind!r} ({state.id})")
    return new


def state_value(state):
    """The plain Python value a WidgetState holds (a list for array values).

    Examples
    --------
    >>> state_value(WidgetState(id="x", int_value=3))
    3
    """
    kind = state.WhichOneof("value")
    value = getattr(state, kind) if kind else None
    return list(value.data) if hasattr(value, "data") else value


class _MessageCache:
    """The frontend's ForwardMsg cache: hash -> message, dropped when unused for too many runs.

    As in Streamlit's frontend (``ForwardMessageCache``): the run count goes up
    when a run ends, not when it ends early for ``st.rerun()``; after a
    fragment run only that fragment's messages can expire.
    """

    def __init__(self):
        self.max_age = DEFAULT_MAX_AGE
        self._runs = 0
        self._entries = {}  # hash -> [message, run count when last used, fragment id]

    def hashes(self):
        return list(self._entries)

    def add(self, msg, fragment_id):
        if self.get(msg.hash) is None:
            self._entries[msg.hash] = [msg, self._runs, fragment_id]

    def get(self, msg_hash):
        entry = self._entries.get(msg_hash)
        if entry is None:
            return None
        entry[1] = self._runs
        return entry[0]

    def end_run(self, fragment_id=""):
        self._runs += 1
        self._entries = {h: e for h, e in self._entries.items()
                         if (fragment_id and e[2] != fragment_id) or self._runs - e[1] <= self.max_age}


class Session:
    """One browser tab's session on a Streamlit server, over an open websocket.

    Make it with :func:`connect`. Reruns are sequential: send one, wait for it,
    then send the next.

    Attributes
    ----------
    page : str
        The page's URL pathname the session opened (``""``: the default page).
    page_script_hash : str
        The page's hash, once the server has said it.
    query_string : str
        The query string the next rerun sends: the one the session opened
        with, then whatever the script last set.
    widgets : dict
        Widget id -> ``WidgetState``, as the next rerun will send them.
    session_id : str
        The server's id of this session, once known.
    """

    def __init__(self, websocket, *, page="", query_string="", http_base=""):
        self.websocket = websocket
        self.http_base = http_base  # e.g. "http://127.0.0.1:8501", for uploads
        self.page = page
        self.page_script_hash = ""
        self.query_string = query_string
        self.widgets = {}
        self.session_id = ""
        self._fragments = {}  # widget id -> id of the fragment that draws it
        self._fragment_run = ""  # the fragment the current run reruns, "" for a full run
        self._cache = _MessageCache()

    # -------------------------------------------------------------- queries

    def widget_id(self, key):
        """The id of the widget with user key ``key`` that the last run drew; KeyError if none."""
        for widget_id in self.widgets:
            if user_key(widget_id) == key:
                return widget_id
        raise KeyError(f"no widget with key {key!r} on page {self.page!r}; keys: {sorted(self.widget_keys())}")

    def widget_keys(self):
        """User keys of the widgets the last run drew."""
        return [k for k in map(user_key, self.widgets) if k is not None]

    def value(self, key):
        """The value the session holds for the widget with user key ``key``."""
        return state_value(self.widgets[self.widget_id(key)])

    # -------------------------------------------------------------- actions

    async def rerun(self, *, timeout=DEFAULT_TIMEOUT, fragment_id=""):
        """Ask for a rerun with the widgets as they are; wait for the run's end.

        Returns
        -------
        RunResult
        """
        return await self._run(self._client_state(fragment_id), timeout)

    async def set_widget(self, key, value, *, timeout=DEFAULT_TIMEOUT):
        """Give the widget with user key ``key`` a new ``value`` and rerun, as a user moving it would.

        ``value`` is what the widget shows: a number for a slider or number
        input, the shown option text for a selectbox, radio or select slider,
        a list of them for a multiselect. A widget drawn inside an
        ``st.fragment`` reruns that fragment only, as in the browser.

        Returns
        -------
        RunResult
        """
        widget_id = self.widget_id(key)
        self.widgets[widget_id] = _with_value(self.widgets[widget_id], value)
        return await self.rerun(timeout=timeout, fragment_id=self._fragments.get(widget_id, ""))

    async def switch_page(self, page, *, timeout=DEFAULT_TIMEOUT):
        """Open another page of the app in this session, as a click in the sidebar's menu does.

        ``page`` is the URL pathname (``""``: the default page). The widgets of
        the page left behind are not sent; what the app keeps in
        ``st.session_state`` (settings, an upload) stays, as in the browser.

        Returns
        -------
        RunResult
        """
        self.page, self.page_script_hash, self.widgets = page.strip("/"), "", {}
        return await self.rerun(timeout=timeout)

    async def upload(self, key, name, data, *, mime="image/jpeg", timeout=DEFAULT_TIMEOUT):
        """Upload ``data`` as a file called ``name`` into the file uploader ``key`` and rerun, as a user would.

        The uploader must have been drawn by the last run. The HTTP PUT runs
        in a thread, so other sessions of the same event loop go on meanwhile.

        Returns
        -------
        RunResult
            The rerun's; its ``seconds`` include the upload.
        """
        widget_id = self.widget_id(key)
        start = time.perf_counter()
        back = BackMsg()
        request_id = uuid.uuid4().hex
        back.file_urls_request.request_id = request_id
        back.file_urls_request.session_id = self.session_id
        back.file_urls_request.file_names.append(name)
        async with asyncio.timeout(timeout):
            await self.websocket.send(back.SerializeToString())
            while True:
                msg = ForwardMsg.FromString(await self.websocket.recv())
                if msg.WhichOneof("type") == "file_urls_response" and msg.file_urls_response.response_id == request_id:
                    break
        response = msg.file_urls_response
        if response.error_msg:
            raise RuntimeError(f"the server refused the upload of {name!r}: {response.error_msg}")
        urls = response.file_urls[0]
        await asyncio.to_thread(_put_file, self.http_base + urls.upload_url, name, data, mime)
        state = WidgetState(id=widget_id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(data)
        info.file_urls.CopyFrom(urls)
        self.widgets[widget_id] = state
        result = await self.rerun(timeout=timeout, fragment_id=self._fragments.get(widget_id, ""))
        result.seconds = time.perf_counter() - start
        return result

    async def close(self):
        """Close the websocket; the server then ends the session."""
        await self.websocket.close()

    # ------------------------------------------------------------- protocol

    def _client_state(self, fragment_id=""):
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query_string
        if self.page_script_hash:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = self.page
        state.widget_states.widgets.extend(self.widgets.values())
        state.cached_message_hashes.extend(self._cache.hashes())
        state.fragment_id = fragment_id
        return back

    async def _run(self, back, timeout):
        result = RunResult()
        self._fragment_run = back.rerun_script.fragment_id
        drawn = {}  # widget id -> (state from the element, set by the server?, fragment id), this script run
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                await self.websocket.send(back.SerializeToString())
                while True:
                    frame = await self.websocket.recv()
                    result.bytes_received += len(frame)
                    result.messages += 1
                    msg = ForwardMsg.FromString(frame)
                    if self._take(msg, result, drawn):
                        break
            result.finished = True
        except TimeoutError:
            result.error = f"no end of run within {timeout} s"
        except ConnectionClosed as err:
            result.error = f"connection closed: {err}"
        result.seconds = time.perf_counter() - start
        if result.finished:
            self._keep_widgets(drawn, prune=not self._fragment_run)
        return result

    def _take(self, msg, result, drawn):
        """Note what ``msg`` says; True when it ends the run the client waits for."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            result.cached_refs += 1
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                result.missing_refs += 1
                return False
            msg, kind = cached, cached.WhichOneof("type")
            fragment_id = msg.delta.fragment_id
        else:
            fragment_id = msg.delta.fragment_id if kind == "delta" else ""
            if msg.metadata.cacheable:
                self._cache.add(msg, fragment_id)
        if kind == "new_session":
            drawn.clear()
            result.script_runs += 1
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            if msg.new_session.config.max_cached_message_age:
                self._cache.max_age = msg.new_session.config.max_cached_message_age
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
            result.page_titles = [page.page_name for page in msg.navigation.app_pages]
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            result.page_not_found = msg.page_not_found.page_name or self.page
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "text":
                result.texts.append(element.text.body)
            state = widget_state(element)
            if state is not None:
                set_by_server = getattr(getattr(element, element.WhichOneof("type")), "set_value", False)
                drawn[state.id] = (state, set_by_server, fragment_id)
        elif kind == "script_finished":
            if msg.script_finished == EARLY_FOR_RERUN:
                return False
            self._cache.end_run(self._fragment_run)
            return True
        return False

    def _keep_widgets(self, drawn, *, prune):
        """Merge the widgets a run drew into the states to send, as the frontend's widget manager does."""
        kept = {}
        for widget_id, (state, set_by_server, fragment_id) in drawn.items():
            self._fragments[widget_id] = fragment_id
            held = self.widgets.get(widget_id)
            # An element's default says nothing about a value the user already gave the widget.
            kept[widget_id] = state if set_by_server or held is None else held
        if prune:
            self.widgets = kept
        else:
            self.widgets.update(kept)

    def __repr__(self):
        return f"Session(page={self.page!r}, widgets={len(self.widgets)}, session_id={self.session_id!r})"


@contextlib.asynccontextmanager
async def connect(port, *, page="", query_string="", host="127.0.0.1", base_path="", open_timeout=30.0):
    """Open a :class:`Session` on the Streamlit server at ``host:port``; close it on exit.

    Parameters
    ----------
    port : int
    page : str, optional
        URL pathname of the page to open, as in ``http://host:port/<page>``;
        ``""`` opens the default page.
    query_string : str, optional
        The link's query string without ``?``, e.g. ``"working_size=full"``.
    host : str, optional
    base_path : str, optional
        The server's ``server.baseUrlPath``.
    open_timeout : float, optional
        Seconds to wait for the websocket handshake.

    Yields
    ------
    Session
        Connected, with no run yet: call :meth:`Session.rerun` for the first.
    """
    url = stream_url(port, host=host, base_path=base_path)
    http_base = f"http://{host}:{port}" + (f"/{base_path.strip('/')}" if base_path.strip("/") else "")
    async with ws_connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=open_timeout,
                          ping_interval=None) as websocket:
        yield Session(websocket, page=page.strip("/"), query_string=query_string.lstrip("?"), http_base=http_base)


def _put_file(url, name, data, mime):
    """PUT ``data`` to a Streamlit upload address as the frontend does: multipart, with the XSRF cookie and header."""
    base = url.split("/_stcore/", 1)[0]
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as answer:
        cookies = http.cookies.SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or ():
            cookies.load(header)
    token = cookies["_streamlit_xsrf"].value if "_streamlit_xsrf" in cookies else ""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {mime}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers.update({"X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    with urllib.request.urlopen(request, timeout=120) as answer:
        if answer.status not in (200, 204):
            raise RuntimeError(f"upload of {name!r} answered {answer.status}")
