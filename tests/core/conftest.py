from tests.office.conftest import client_of, media_root, password_hash, world  # noqa: F401
