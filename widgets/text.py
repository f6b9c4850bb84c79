"""Text a user typed or put in a link, made safe for Streamlit's markdown."""

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text):
    """``text`` escaped so that Streamlit's markdown shows it as typed.

    Messages can quote what a user typed or put in a link; st.error and
    friends render markdown, so every such message goes through here.
    """
    return _MARKDOWN.sub(r"\\\1", str(text))
