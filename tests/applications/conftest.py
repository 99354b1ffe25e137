"""The portal's world and the data store stand-in, for the application engine's tests."""

from tests.datastore.conftest import datastore_standin, store_settings  # noqa: F401
from tests.office.conftest import media_root, password_hash, world  # noqa: F401
from tests.portal.conftest import portal_world  # noqa: F401
