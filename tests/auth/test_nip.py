"""NIP validation as in DESIGN.md."""

import pytest

from lms.auth.nip import NipInvalid, normalise_nip


def test_valid_pns_nip_with_spaces_and_dots():
    assert normalise_nip("19850312 201001.1 001") == "198503122010011001"


@pytest.mark.parametrize("raw, reason", [
    ("1985031220100110", "18 digit"),
    ("198502302010011001", "tanggal lahir"),
    ("198503122010131001", "bulan pengangkatan"),
    ("198503122010013001", "jenis kelamin"),
])
def test_invalid_nips_are_refused_with_a_reason(raw, reason):
    with pytest.raises(NipInvalid, match=reason):
        normalise_nip(raw)


def test_pppk_numbers_skip_the_appointment_month_rule():
    nip = "199512012023211007"
    with pytest.raises(NipInvalid):
        normalise_nip(nip, "PNS")
    assert normalise_nip(nip, "PPPK") == nip
