"""``python -m peersite.seed COUNT PASSWORD``: the tables, then COUNT users ``peer-<n>``."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
count, password = int(sys.argv[1]), sys.argv[2]
for n in range(count):
    User.objects.create_user(f"peer-{n}", password=password)
