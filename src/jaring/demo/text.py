"""Short free-text snippets in the region's languages, for narratives in demo records.

Each snippet has an English gloss so that reviewers can tell what the demo data
says. They were written for the demo and have not been reviewed by native
speakers; they exist to exercise scripts, fonts, search and sorting in local
languages, not as translations to rely on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    language: str  # BCP 47
    text: str
    english: str


_SNIPPETS: dict[str, tuple[Snippet, ...]] = {
    "th": (
        Snippet("th", "ผู้เสียหายได้รับข้อความทางไลน์อ้างว่าเป็นเจ้าหน้าที่ธนาคาร",
                "The victim received a LINE message from someone claiming to be bank staff."),
        Snippet("th", "มิจฉาชีพชักชวนให้ลงทุนในสกุลเงินดิจิทัลและสัญญาผลตอบแทนสูง",
                "The scammer urged an investment in cryptocurrency, promising high returns."),
        Snippet("th", "ผู้เสียหายโอนเงินไปยังบัญชีม้าสามครั้งก่อนรู้ตัว",
                "The victim transferred money to a mule account three times before realising."),
        Snippet("th", "ได้รับสายจากผู้อ้างว่าเป็นตำรวจ แจ้งว่ามีพัสดุผิดกฎหมาย",
                "A caller posing as police said a parcel in the victim's name held contraband."),
    ),
    "km": (
        Snippet("km", "ជនរងគ្រោះត្រូវបានបោកប្រាស់តាមរយៈការផ្តល់ការងារតាមអនឡាញ",
                "The victim was deceived through an online job offer."),
        Snippet("km", "គាត់ត្រូវបានបង្ខំឱ្យធ្វើការនៅក្នុងមជ្ឈមណ្ឌលបោកប្រាស់",
                "They were forced to work in a scam compound."),
        Snippet("km", "លិខិតឆ្លងដែនរបស់គាត់ត្រូវបានរឹបអូស",
                "Their passport was confiscated."),
    ),
    "my": (
        Snippet("my", "အွန်လိုင်းအလုပ်ကမ်းလှမ်းချက်ဖြင့် လိမ်လည်ခံရသည်",
                "Deceived by an online job offer."),
        Snippet("my", "နယ်စပ်ကိုဖြတ်ပြီး လိမ်လည်ရေးစခန်းသို့ ခေါ်ဆောင်သွားခဲ့သည်",
                "Taken across the border to a scam compound."),
        Snippet("my", "မိသားစုထံ ငွေပေးပို့ရန် တောင်းဆိုခံရသည်",
                "The family was asked to send money."),
    ),
    "vi": (
        Snippet("vi", "Nạn nhân nhận được cuộc gọi giả danh công an yêu cầu chuyển tiền.",
                "The victim got a call from someone posing as police, demanding a transfer."),
        Snippet("vi", "Đối tượng dụ dỗ đầu tư vào sàn giao dịch tiền ảo với lợi nhuận cao.",
                "The suspect lured the victim into a crypto exchange promising high profits."),
        Snippet("vi", "Nạn nhân được hứa hẹn việc làm lương cao ở nước ngoài.",
                "The victim was promised a well-paid job abroad."),
    ),
    "ms": (
        Snippet("ms", "Mangsa menerima panggilan daripada individu yang menyamar sebagai "
                "pegawai bank.",
                "The victim got a call from someone posing as a bank officer."),
        Snippet("ms", "Wang dipindahkan ke akaun keldai sebelum mangsa sedar.",
                "Money went to a mule account before the victim noticed."),
    ),
    "id": (
        Snippet("id", "Korban ditawari pekerjaan paruh waktu melalui WhatsApp.",
                "The victim was offered part-time work over WhatsApp."),
        Snippet("id", "Pelaku mengaku sebagai petugas bea cukai dan meminta pembayaran.",
                "The offender claimed to be a customs officer and demanded payment."),
    ),
    "fil": (
        Snippet("fil", "Nakatanggap ang biktima ng text na nanalo raw siya sa raffle.",
                "The victim got a text saying they had won a raffle."),
        Snippet("fil", "Hiningan siya ng OTP ng nagpakilalang taga-bangko.",
                "Someone claiming to be from the bank asked for their one-time code."),
    ),
    "lo": (
        Snippet("lo", "ຜູ້ເສຍຫາຍຖືກຫຼອກລວງຜ່ານການສະເໜີວຽກອອນລາຍ",
                "The victim was deceived through an online job offer."),
    ),
    "tet": (
        Snippet("tet", "Vítima simu mensajen husi ema ne'ebé dehan nia serbisu iha banku.",
                "The victim got a message from someone who said they worked at a bank."),
    ),
    "en": (
        Snippet("en", "Victim was contacted on a dating app and later asked to invest.",
                "Victim was contacted on a dating app and later asked to invest."),
        Snippet("en", "Caller impersonated a government agency and requested a transfer.",
                "Caller impersonated a government agency and requested a transfer."),
    ),
}

# The languages in which people in each member state commonly write, most common first.
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "BN": ("ms", "en"),
    "KH": ("km", "en"),
    "ID": ("id",),
    "LA": ("lo",),
    "MY": ("ms", "en"),
    "MM": ("my",),
    "PH": ("fil", "en"),
    "SG": ("en",),
    "TH": ("th",),
    "TL": ("tet", "en"),
    "VN": ("vi",),
}


def snippet(rng: random.Random, *, language: str | None = None,
            country: str | None = None) -> Snippet:
    """A snippet in ``language``, or in a language usual in ``country``, or any language."""
    if language is None and country is not None:
        try:
            language = rng.choice(COUNTRY_LANGUAGES[country])
        except KeyError:
            raise ValueError(f"no demo text for country {country!r}") from None
    if language is None:
        language = rng.choice(sorted(_SNIPPETS))
    try:
        return rng.choice(_SNIPPETS[language])
    except KeyError:
        raise ValueError(f"no demo text in language {language!r}") from None


def languages() -> list[str]:
    return sorted(_SNIPPETS)
