"""The journeys of identity, each a small class built by :class:`IdentityApplication` with what
it uses (store, clock, hasher, sealer, session tokens); the lockout port comes with each call.
Each line names a journey and the RPC methods of ``service.py`` it serves.

- ``login.Login``: ``login``;
- ``registration.Registration``: ``start_registration``, ``send_registration_code``,
  ``verify_registration_code``, ``complete_registration``;
- ``password_reset.PasswordReset``: ``start_password_reset``, ``send_password_reset_code``,
  ``verify_password_reset_code``, ``complete_password_reset``;
- ``identifier_recovery.IdentifierRecovery``: ``start_identifier_recovery``,
  ``send_identifier_recovery_code``, ``complete_identifier_recovery``;
- ``sessions.Sessions``: ``session_keys``, ``verify_session``, ``logout``, ``refresh_session``,
  ``logout_everywhere``;
- ``my_account.MyAccount``: ``change_password``, ``account_summary``, ``connection_history``;
- ``back_office.BackOffice``: ``assign_nir``, ``update_contacts``;
- ``identity.franceconnect.journey.FranceConnect``: ``franceconnect_start``,
  ``franceconnect_callback``, ``franceconnect_logout`` (and ``login``'s ``franceconnect_link``).

What several journeys share: ``code_steps`` (draw, seal, hash and enter a code), ``code_on_file``
(a code to a channel on file), ``channels`` (masked channels), ``captcha``, ``new_password``,
``current_password`` (the current password asked again through the login's lockout ladder).
"""
