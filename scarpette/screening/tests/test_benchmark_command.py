import io
import re

from django.core.management import call_command


def test_it_prints_profiles_per_second_and_time_per_profile() -> None:
    stdout = io.StringIO()
    call_command("screening_benchmark", "--count", "200", stdout=stdout)
    text = stdout.getvalue()
    assert "screened 200 profiles" in text
    rate = re.search(r"profiles per second: ([\d,]+)", text)
    per_profile = re.search(r"microseconds per profile: ([\d.]+)", text)
    assert rate and int(rate.group(1).replace(",", "")) > 0
    assert per_profile and float(per_profile.group(1)) > 0
