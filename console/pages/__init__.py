"""The console's screens, one blueprint (``pages``) for signed-in agents:

- ``search``: find a person (NIR or provisional identifier only, with a reason);
- ``dossier``: their account, freeze, household and recent history (token-gated reads only);
- ``actions``: the actions of ``action_catalogue``, each with a reason and a confirmation step;
- ``refusals`` and ``errors``: the services' refusals and the error pages, in French;
- ``french``: the dates and the person's history as the agent reads them.

Menus follow the agent's roles (the agency's table, ``AGENT_ROLE_METHODS``); the services
decide, and a refusal says why. The person whose dossier is open is kept in the console's
session (never in a URL: an identifier in a URL ends up in logs and histories).
"""

from __future__ import annotations

from . import actions, dossier, french, search
from .blueprint import blueprint
from .errors import install_errors

__all__ = ["actions", "blueprint", "dossier", "french", "install_errors", "search"]
