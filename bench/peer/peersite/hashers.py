"""argon2id at the platform's parameters (identity's ARGON2_*: 19 MiB, t=2, p=1), so that both
sides hash the same way; the bench passes them in the environment."""

import os

from django.contrib.auth.hashers import Argon2PasswordHasher


class PlatformArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = int(os.environ.get("ARGON2_MEMORY_KIB", "19456"))
    time_cost = int(os.environ.get("ARGON2_TIME_COST", "2"))
    parallelism = int(os.environ.get("ARGON2_PARALLELISM", "1"))
