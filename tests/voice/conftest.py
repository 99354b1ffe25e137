"""The citizen's voice end to end: the back office's world (tests/office/conftest.py), the identity
provider stand-in (tests/citizens/conftest.py) and the demo PKI of one test (tests/feedback/conftest.py)."""

from tests.citizens.conftest import identity_provider, oidc  # noqa: F401
from tests.feedback.conftest import pki  # noqa: F401
from tests.office.conftest import client_of, media_root, password_hash, world  # noqa: F401
