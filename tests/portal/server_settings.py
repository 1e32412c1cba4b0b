"""The portal's settings for a real server in tests: as deployed (DEBUG off), with two test conveniences.

- Static files: a deployment collects them at build time (Dockerfile), and collectstatic with compression takes
  ~15 s; the test server resolves {% static %} without the manifest instead. No test looks at static files.
- Passwords: the suite stores them with MD5 for speed (tests/conftest.py), so the server must accept those too.
"""

from portal.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
