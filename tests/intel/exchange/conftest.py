import pytest


@pytest.fixture
def shared_reports():
    """Reports as the sharing layer hands them to exporters, with victim fields a careless
    caller might leave in."""
    return [
        {
            "id": "MY/PDRM/MY-2025-1", "reference": "MY-2025-1", "country": "MY",
            "organisation": "PDRM", "reported_on": "2025-03-01", "scam_type": "investment",
            "channel": "phone", "loss_usd": "1200.50", "tlp": "amber", "campaign": "C-000001",
            "victim_name": "Siti Aminah", "victim_contact": "+60198887777",
            "narrative": "They called me", "indicators": [
                {"kind": "phone", "value": "+60123456789", "role": "caller"},
                {"kind": "bank_account", "value": "bank:MBBEMYKL:514012345678",
                 "role": "payee_account"},
                {"kind": "bank_account", "value": "iban:GB33BUKB20201555555555", "role": ""},
                {"kind": "ewallet", "value": "ewallet:gcash:+639171234567",
                 "role": "payee_wallet"},
                {"kind": "crypto_wallet", "value": "crypto:btc:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                 "role": "crypto_destination"},
                {"kind": "crypto_wallet",
                 "value": "crypto:eth:0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae", "role": ""},
                {"kind": "url", "value": "https://scam.example/pay", "role": "website"},
                {"kind": "domain", "value": "scam.example", "role": "website"},
                {"kind": "ip", "value": "192.0.2.1", "role": "infrastructure"},
                {"kind": "ip", "value": "2001:db8::1", "role": "infrastructure"},
                {"kind": "email", "value": "support@scam.example", "role": "email_sender"},
                {"kind": "social_handle", "value": "social:telegram:goldmentor",
                 "role": "messaging_account"},
                {"kind": "social_handle", "value": "social:line:gold.mentor", "role": ""},
            ],
        },
        {
            "id": "SG/SPF/SG-77", "reference": "SG-77", "country": "SG", "organisation": "SPF",
            "reported_on": "2025-03-04", "scam_type": "investment", "channel": "",
            "loss_usd": None, "tlp": "green", "campaign": "C-000001", "indicators": [
                {"kind": "phone", "value": "+60123456789", "role": "caller"},
            ],
        },
    ]
