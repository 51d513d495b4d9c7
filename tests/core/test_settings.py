"""The one settings module, driven by environment variables, passes Django's deployment checks."""


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    env = os.environ | {
        "PARCELBACK_DATA_DIR": str(tmp_path), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "parcelback.example.com", "SECURE_COOKIES": "1", "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "parcelback.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

