"""E-mail settings from the environment, strictly: a malformed value stops start-up.

Either one ``EMAIL_URL`` or the separate variables Django names (``EMAIL_BACKEND``,
``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
``EMAIL_USE_TLS``, ``EMAIL_USE_SSL``). Without either, development prints mail on the console
and production sends through the SMTP server on localhost:25.

    smtp://user:password@mail.example.org:587   (STARTTLS unless ?tls=0)
    smtp+ssl://user:password@mail.example.org:465
    smtp+plain://relay.local:25                 (no encryption: a relay on the same network)
    console:   dummy:   locmem:
"""

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_SCHEMES = {  # scheme -> (backend, use_tls, use_ssl, default port)
    "smtp": ("smtp", True, False, 587),
    "smtp+tls": ("smtp", True, False, 587),
    "smtp+ssl": ("smtp", False, True, 465),
    "smtp+plain": ("smtp", False, False, 25),
    "console": ("console", False, False, 25),
    "dummy": ("dummy", False, False, 25),
    "locmem": ("locmem", False, False, 25),
}


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (1/0, true/false, yes/no)")


def _port(name: str, raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a port number (1–65535)")
    return port


def parse_email_url(url: str) -> dict:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from None
    if parts.scheme not in _SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not one of {', '.join(sorted(_SCHEMES))}"
        )
    backend, use_tls, use_ssl, default_port = _SCHEMES[parts.scheme]
    options = parse_qs(parts.query)
    if "tls" in options:
        use_tls = _bool("EMAIL_URL ?tls", options["tls"][-1])
    if backend == "smtp" and not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host: smtp://user:password@host:port")
    return {
        "EMAIL_BACKEND": _BACKENDS[backend],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict:
    url = environ.get("EMAIL_URL", "").strip()
    separate = [name for name in ("EMAIL_BACKEND", "EMAIL_HOST") if environ.get(name, "").strip()]
    if url and separate:
        raise ImproperlyConfigured(
            f"EMAIL_URL and {', '.join(separate)} are both set: configure e-mail one way only"
        )
    if url:
        return parse_email_url(url)
    backend = environ.get("EMAIL_BACKEND", "").strip()
    if not backend:
        backend = _BACKENDS["console"] if debug and not separate else _BACKENDS["smtp"]
    use_tls = _bool("EMAIL_USE_TLS", environ.get("EMAIL_USE_TLS", ""))
    use_ssl = _bool("EMAIL_USE_SSL", environ.get("EMAIL_USE_SSL", ""))
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": environ.get("EMAIL_HOST", "").strip() or "localhost",
        "EMAIL_PORT": _port("EMAIL_PORT", environ["EMAIL_PORT"])
        if environ.get("EMAIL_PORT", "").strip()
        else 25,
        "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
