"""aps-bot: answers international graduates' questions about the RECE card ("APS") in France."""

__version__ = "0.1.0"
