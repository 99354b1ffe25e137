"""Electronic results: official Vietnamese PDFs (documents), the signing keys (certificates), PAdES
signing and verification (signing). No Django app: no models, nothing to add to INSTALLED_APPS.

The modules import no Django settings at import time; only `certificates.default_pki_dir()` reads
`settings.VAR_DIR`, and only when called.
"""
