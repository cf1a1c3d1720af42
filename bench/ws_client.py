"""A minimal Streamlit websocket client: one browser session without a browser.

It speaks the app's own protocol (BackMsg / ForwardMsg protobufs over /_stcore/stream), so many
sessions can run at once and the server is measured alone, without 20 Chromium renderers competing
for the same cores. It reruns the script with widget values, the way the browser does, and reads
what the server sends back.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


@dataclass
class Render:
    """What one script run sent: widgets by key, markdown bodies, chart specs, errors."""

    widgets: dict[str, object] = field(default_factory=dict)  # key -> widget proto (slider, text_input, …)
    markdown: list[str] = field(default_factory=list)
    charts: dict[str, dict] = field(default_factory=dict)  # key -> figure (a live chart's: the one drawn first)
    parts: dict[str, dict] = field(default_factory=dict)  # key -> the data of a step page's live part
    fragments: dict[str, str] = field(default_factory=dict)  # key -> the fragment that wrote the element
    bytes: int = 0  # what the server sent for this run
    exceptions: list[str] = field(default_factory=list)
    finished: str = ""


def _key_of(widget_id: str) -> str:
    return widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID-") else widget_id


class Session:
    """One app session over a websocket."""

    def __init__(self, url: str, query_string: str = "") -> None:
        self.url = url.rstrip("/")
        self.query_string = query_string
        self.page_hash = ""
        self.ws = None
        self.states: dict[str, object] = {}  # widget id -> its WidgetState, as the page last showed it
        # Messages the server marked cacheable, by hash: as a browser does, the session names them when it asks
        # for a rerun, and the server then sends a reference instead of the message again.
        self.cache: dict[str, bytes] = {}

    async def __aenter__(self) -> Session:
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=2**26,
                                          origin=self.url)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    def value(self, key: str):
        """A widget's current value, as the browser holds it (the server sends a value only when it sets one)."""
        for widget_id, state in self.states.items():
            if _key_of(widget_id) == key:
                kind = state.WhichOneof("value")
                value = getattr(state, kind)
                return list(value.data) if hasattr(value, "data") else value
        return None

    async def run(self, widget_states: list | None = None, timeout: float = 60.0, fragment: str = "") -> Render:
        """Rerun the script (or only `fragment`, as a browser does for a widget inside one) with new widget
        values (and, as a browser does, the current value of every other widget on the page) and collect what
        it sends until it finishes."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.fragment_id = fragment
        msg.rerun_script.cached_message_hashes.extend(self.cache)
        states = dict(self.states)
        states.update({state.id: state for state in widget_states or []})
        msg.rerun_script.widget_states.widgets.extend(states.values())
        await self.ws.send(msg.SerializeToString())
        render = Render()
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
            render.bytes += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            if forward.WhichOneof("type") == "ref_hash":  # a message this session has: the cached one, here
                ref, metadata = forward.ref_hash, forward.metadata
                forward = ForwardMsg()
                forward.ParseFromString(self.cache[ref])
                forward.metadata.CopyFrom(metadata)
            elif forward.metadata.cacheable and forward.hash:
                self.cache[forward.hash] = raw
            kind = forward.WhichOneof("type")
            if kind == "navigation":  # the page st.navigation ran (new_session names the main script)
                self.page_hash = forward.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._collect(forward.delta.new_element, render, forward.delta.fragment_id)
            elif kind == "script_finished":
                render.finished = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    # A widget keeps what it held unless the server set a value; a new one starts at its default.
                    kept = {} if not fragment else {i: state for i, state in states.items()
                                                    if all(proto.id != i for proto in render.widgets.values())}
                    self.states = kept | {proto.id: state for proto in render.widgets.values()
                                   if (state := (states.get(proto.id) if not getattr(proto, "set_value", False)
                                                 and proto.id in states else widget_state(proto))) is not None}
                    return render

    @staticmethod
    def _collect(element, render: Render, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "markdown":
            render.markdown.append(element.markdown.body)
        elif kind == "exception":
            render.exceptions.append(element.exception.message)
        elif kind == "plotly_chart":
            render.charts[_key_of(element.plotly_chart.id)] = json.loads(element.plotly_chart.spec)
        elif kind == "bidi_component":  # a live part of the step page (app_pages/live_chart.py)
            key, data = _key_of(element.bidi_component.id), json.loads(element.bidi_component.json)
            render.parts[key], render.fragments[key] = data, fragment
            render.widgets[key] = element.bidi_component
            if data.get("kind") == "chart":
                render.charts[key] = json.loads(data["figure"])
        elif kind is not None:
            proto = getattr(element, kind)
            widget_id = getattr(proto, "id", "")
            if widget_id:
                render.widgets[_key_of(widget_id)] = proto


def widget_state(proto):
    """The value a browser would send back for a widget as the server drew it (None for buttons)."""
    state = WidgetState(id=proto.id)
    kind = type(proto).__name__
    if kind in ("TextInput", "TextArea"):
        state.string_value = proto.value if proto.set_value else proto.default
    elif kind in ("Checkbox",):
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind == "Slider":
        values = proto.value if proto.set_value else proto.default
        if proto.options:  # a select_slider sends its options' text
            state.string_array_value.data.extend(proto.options[int(v)] for v in values)
        else:
            state.double_array_value.data.extend(values)
    elif kind == "Selectbox":
        if proto.set_value:
            state.string_value = proto.raw_value
        elif proto.HasField("default"):
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "ButtonGroup":
        values = proto.raw_values if proto.set_value else [proto.options[i].content for i in proto.default]
        state.string_array_value.data.extend(values)
    else:
        return None
    return state


def component_state(proto, **values):
    """The WidgetState a v2 component sends when its JavaScript sets state values (setStateValue)."""
    return WidgetState(id=proto.id, json_value=json.dumps(values))
