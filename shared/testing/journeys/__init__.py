"""The journeys' test platform: the four real services on the test's broker and PostgreSQL
(``platform.py``), the people of the seed (``people.py``) and the far ends of the notification
channels (``receivers.py``). ``fixtures.py`` gives them as pytest fixtures to every suite that
drives the services end to end (tests/integration, the gateway's API tests)."""
