"""API keys used by the suite; distinctive so a leak is easy to find in any text."""

KEY_A = "vk-test-tenant-a-7f3c9e1d4b"
KEY_B = "vk-test-tenant-b-2a8d6f0c5e"
ALL_KEYS = (KEY_A, KEY_B)


def assert_no_key(text: str) -> None:
    """Fail if any test key appears in ``text``."""
    for key in ALL_KEYS:
        assert key not in text, "an API key leaked into text that users or state can see"
