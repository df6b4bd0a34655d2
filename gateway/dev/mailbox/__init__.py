"""The development mailbox: a local SMTP server and SMS-gateway receiver that keep what the
notification service sends (development and test only), read back by ``/dev/messages``.

``python -m gateway.dev.mailbox`` runs both; ``make run`` starts it beside the services.
"""
