"""The INPS inbox filters: a malformed ?stato=, ?mie= or ?page= is ignored, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("params", [{"stato": "\x00"}, {"stato": "nope"}, {"mie": "\x00"}])
def test_a_malformed_inbox_filter_is_ignored(client, personas, params):
    client.force_login(personas.inps_specialist)

    response = client.get(reverse("referrals:inbox"), {**params, "page": "9" * 5000})

    assert response.status_code == 200
    assert "Nessuna segnalazione corrisponde ai filtri." in response.content.decode()


def test_claiming_a_transmission_takes_it_in_charge(personas):
    from scarpette.cases.services import case_open
    from scarpette.core.tests.test_query_counts import screened_and_sent
    from scarpette.referrals.models import Transmission
    from scarpette.referrals.services import transmission_claim

    case = case_open(actor=personas.operator_a)
    screened_and_sent(personas, case)
    transmission = Transmission.objects.get(case=case)

    transmission_claim(actor=personas.inps_specialist, transmission=transmission)

    transmission.refresh_from_db()
    assert transmission.get_status_display() == "Presa in carico"
    assert transmission.assigned_to == personas.inps_specialist
