"""Test-wide settings."""

from streamlit import config

# The served config shows students only an error's type (client.showErrorDetails = "type"). Under test every
# exception must fail loudly and say what it was, so AppTest runs see the whole message.
config.set_option("client.showErrorDetails", "full")
