"""The INPS inbox filters: a malformed ?stato=, ?mie= or ?page= is ignored, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("params", [{"stato": "\x00"}, {"stato": "nope"}, {"mie": "\x00"}])
def test_a_malformed_inbox_filter_is_ignored(client, personas, params):
    client.force_login(personas.inps_specialist)

    response = client.get(reverse("referrals:inbox"), {**params, "page": "9" * 5000})

    assert response.status_code == 200
    assert "Nessuna segnalazione." in response.content.decode()
