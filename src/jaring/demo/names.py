"""Personal names for demo data, in each member state's usual forms.

Names are given in Latin script and, where people commonly write their names in
another script, in that script too. The lists hold common names only; the
combinations are random, so any likeness to a real person is a coincidence.
The local-script spellings are illustrative and have not been reviewed by
native speakers.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# (Latin, local script or "", "f"/"m"/"" for either)
Given = tuple[str, str, str]
# (Latin, local script or "")
Family = tuple[str, str]


@dataclass(frozen=True)
class Style:
    given: tuple[Given, ...]
    family: tuple[Family, ...]
    family_first: bool = False
    # Malay and Tamil names name the father: "Nur Aisyah binti Ismail".
    patronymic: tuple[str, str] | None = None  # (for men, for women)
    local_separator: str = " "


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    given_local: str
    family_local: str
    gender: str
    family_first: bool
    connector: str = ""
    local_separator: str = " "

    def _join(self, given: str, family: str, separator: str) -> str:
        if not family:
            return given
        if self.connector:
            return f"{given} {self.connector} {family}"
        parts = [family, given] if self.family_first else [given, family]
        return separator.join(part for part in parts if part)

    @property
    def full_name(self) -> str:
        return self._join(self.given, self.family, " ")

    @property
    def local_name(self) -> str:
        """The name in local script, or the Latin form where that is the usual one."""
        if not self.given_local:
            return self.full_name
        return self._join(self.given_local, self.family_local, self.local_separator)

    @property
    def ascii_name(self) -> str:
        return ascii_fold(self.full_name)


def ascii_fold(text: str) -> str:
    # Vietnamese đ/Đ has no decomposition, so NFKD alone would drop it.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ord(ch) < 128)


_CHINESE = Style(
    given=(("Wei Ming", "伟明", "m"), ("Mei Ling", "美玲", "f"), ("Jia Hui", "佳慧", "f"),
           ("Jun Jie", "俊杰", "m"), ("Xin Yi", "欣怡", "f"), ("Zhi Hao", "志豪", "m"),
           ("Hui Min", "慧敏", "f"), ("Kai Wen", "凯文", "m"), ("Shu Fen", "淑芬", "f"),
           ("Guo Liang", "国良", "m")),
    family=(("Tan", "陈"), ("Lim", "林"), ("Lee", "李"), ("Ng", "黄"), ("Ong", "王"),
            ("Wong", "黄"), ("Goh", "吴"), ("Chua", "蔡"), ("Koh", "许"), ("Teo", "张")),
    family_first=True,
    local_separator="",
)
_MALAY_GIVEN: tuple[Given, ...] = (
    ("Muhammad Hafiz", "", "m"), ("Nur Aisyah", "", "f"), ("Ahmad Faizal", "", "m"),
    ("Siti Nurhaliza", "", "f"), ("Mohd Azlan", "", "m"), ("Nurul Huda", "", "f"),
    ("Amirul Hakim", "", "m"), ("Farah Nadia", "", "f"), ("Khairul Anuar", "", "m"),
    ("Aina Sofea", "", "f"),
)
_MALAY_FATHERS: tuple[Family, ...] = (
    ("Ismail", ""), ("Abdullah", ""), ("Rahman", ""), ("Hassan", ""), ("Ibrahim", ""),
    ("Osman", ""), ("Yusof", ""), ("Aziz", ""), ("Salleh", ""), ("Hamid", ""),
)
_MALAY = Style(given=_MALAY_GIVEN, family=_MALAY_FATHERS, patronymic=("bin", "binti"))
_TAMIL = Style(
    given=(("Kumar", "குமார்", "m"), ("Priya", "பிரியா", "f"), ("Suresh", "சுரேஷ்", "m"),
           ("Kavitha", "கவிதா", "f"), ("Rajesh", "ராஜேஷ்", "m"), ("Devi", "தேவி", "f")),
    family=(("Muthu", "முத்து"), ("Raman", "ராமன்"), ("Subramaniam", "சுப்பிரமணியம்"),
            ("Krishnan", "கிருஷ்ணன்"), ("Selvam", "செல்வம்")),
    patronymic=("a/l", "a/p"),
)
_BRUNEI = Style(
    given=(("Awang Hj Mohd Ali", "", "m"), ("Dayang Nur Amalina", "", "f"),
           ("Pengiran Hafizuddin", "", "m"), ("Siti Khadijah", "", "f"),
           ("Mohd Haziq", "", "m"), ("Nurul Izzati", "", "f"), ("Awang Khairul", "", "m"),
           ("Dayang Noraini", "", "f")),
    family=_MALAY_FATHERS,
    patronymic=("bin", "binti"),
)

STYLES: dict[str, tuple[tuple[Style, int], ...]] = {
    "SG": ((_CHINESE, 7), (_MALAY, 2), (_TAMIL, 1)),
    "MY": ((_MALAY, 6), (_CHINESE, 3), (_TAMIL, 1)),
    "BN": ((_BRUNEI, 8), (_CHINESE, 2)),
    "TH": ((Style(
        given=(("Somchai", "สมชาย", "m"), ("Siriporn", "ศิริพร", "f"),
               ("Nattapong", "ณัฐพงศ์", "m"), ("Kanokwan", "กนกวรรณ", "f"),
               ("Wichai", "วิชัย", "m"), ("Pimchanok", "พิมพ์ชนก", "f"),
               ("Anan", "อนันต์", "m"), ("Supaporn", "สุภาพร", "f"),
               ("Thanawat", "ธนวัฒน์", "m"), ("Chanida", "ชนิดา", "f")),
        family=(("Saetang", "แซ่ตั้ง"), ("Srisuk", "ศรีสุข"), ("Wongsawat", "วงศ์สวัสดิ์"),
                ("Thongdee", "ทองดี"), ("Kaewmanee", "แก้วมณี"), ("Jaidee", "ใจดี"),
                ("Suwannarat", "สุวรรณรัตน์"), ("Phromma", "พรหมมา"),
                ("Boonmee", "บุญมี"), ("Chaiyaporn", "ชัยพร")),
    ), 1),),
    "KH": ((Style(
        given=(("Dara", "ដារ៉ា", "m"), ("Sophea", "សុភា", "f"), ("Vannak", "វណ្ណៈ", "m"),
               ("Sreymom", "ស្រីមុំ", "f"), ("Sokha", "សុខា", "m"), ("Bopha", "បុប្ផា", "f"),
               ("Rithy", "ឫទ្ធី", "m"), ("Channary", "ចន្ទនារី", "f"),
               ("Piseth", "ពិសិដ្ឋ", "m"), ("Kanha", "កញ្ញា", "f")),
        family=(("Sok", "សុខ"), ("Chan", "ចាន់"), ("Kim", "គីម"), ("Heng", "ហេង"),
                ("Meas", "មាស"), ("Keo", "កែវ"), ("Chea", "ជា"), ("Prak", "ប្រាក់"),
                ("Ouk", "អ៊ុក"), ("Sam", "សំ")),
        family_first=True,
    ), 1),),
    "MM": ((Style(
        # Burmese names have no family name; two name parts are written together.
        given=(("Aung", "အောင်", "m"), ("Kyaw", "ကျော်", "m"), ("Zaw", "ဇော်", "m"),
               ("Htet", "ထက်", "m"), ("Min", "မင်း", "m"), ("Su", "စု", "f"),
               ("Thiri", "သီရိ", "f"), ("Hnin", "နှင်း", "f"), ("May", "မေ", "f"),
               ("Ei Ei", "အိအိ", "f")),
        family=(("Win", "ဝင်း"), ("Oo", "ဦး"), ("Naing", "နိုင်"), ("Myat", "မြတ်"),
                ("Thu", "သူ"), ("Phyo", "ဖြိုး"), ("Zin", "ဇင်"), ("Htun", "ထွန်း"),
                ("Lwin", "လွင်"), ("Mon", "မွန်")),
        local_separator="",
    ), 1),),
    "LA": ((Style(
        given=(("Bounmy", "ບຸນມີ", "m"), ("Chanthala", "ຈັນທະລາ", "f"),
               ("Khamphone", "ຄຳພອນ", "m"), ("Phonevilay", "ພອນວິໄລ", "f"),
               ("Somphone", "ສົມພອນ", "m"), ("Vilayvanh", "ວິໄລວັນ", "f"),
               ("Souksavanh", "ສຸກສະຫວັນ", "m"), ("Manivanh", "ມະນີວັນ", "f")),
        family=(("Phommachanh", "ພົມມະຈັນ"), ("Sisouphanh", "ສີສຸພັນ"),
                ("Vongsavath", "ວົງສະຫວາດ"), ("Keomany", "ແກ້ວມະນີ"),
                ("Inthavong", "ອິນທະວົງ"), ("Phanthavong", "ພັນທະວົງ"),
                ("Sayavong", "ໄຊຍະວົງ"), ("Southammavong", "ສຸດທຳມະວົງ")),
    ), 1),),
    "VN": ((Style(
        # Vietnamese is written in Latin script with diacritics: that is the local form.
        given=(("Văn Hùng", "", "m"), ("Thị Lan", "", "f"), ("Minh Tuấn", "", "m"),
               ("Thị Hương", "", "f"), ("Quốc Bảo", "", "m"), ("Ngọc Anh", "", "f"),
               ("Đức Thắng", "", "m"), ("Thu Trang", "", "f"), ("Hoàng Nam", "", "m"),
               ("Thanh Hà", "", "f")),
        family=(("Nguyễn", ""), ("Trần", ""), ("Lê", ""), ("Phạm", ""), ("Hoàng", ""),
                ("Huỳnh", ""), ("Phan", ""), ("Vũ", ""), ("Võ", ""), ("Đặng", "")),
        family_first=True,
    ), 1),),
    "ID": ((Style(
        given=(("Budi", "", "m"), ("Siti", "", "f"), ("Agus", "", "m"), ("Dewi", "", "f"),
               ("Rizky", "", "m"), ("Putri", "", "f"), ("Hendra", "", "m"),
               ("Rina", "", "f"), ("Wahyu", "", "m"), ("Fitri", "", "f")),
        family=(("Santoso", ""), ("Wijaya", ""), ("Saputra", ""), ("Lestari", ""),
                ("Hidayat", ""), ("Kusuma", ""), ("Pratama", ""), ("Nugroho", ""),
                ("Setiawan", ""), ("Rahmawati", "")),
    ), 1),),
    "PH": ((Style(
        given=(("Maria Cristina", "", "f"), ("Jose", "", "m"), ("Juan Carlos", "", "m"),
               ("Ana Marie", "", "f"), ("Mark Anthony", "", "m"), ("Kristine", "", "f"),
               ("John Paul", "", "m"), ("Angelica", "", "f"), ("Rodel", "", "m"),
               ("Maricel", "", "f")),
        family=(("Santos", ""), ("Reyes", ""), ("Cruz", ""), ("Bautista", ""),
                ("Garcia", ""), ("Mendoza", ""), ("Dela Cruz", ""), ("Villanueva", ""),
                ("Ramos", ""), ("Aquino", "")),
    ), 1),),
    "TL": ((Style(
        given=(("João", "", "m"), ("Maria", "", "f"), ("José", "", "m"), ("Ana", "", "f"),
               ("Mateus", "", "m"), ("Joana", "", "f"), ("Francisco", "", "m"),
               ("Rosa", "", "f"), ("Domingos", "", "m"), ("Lúcia", "", "f")),
        family=(("da Silva", ""), ("Soares", ""), ("dos Santos", ""), ("Guterres", ""),
                ("Pereira", ""), ("Ximenes", ""), ("da Costa", ""), ("Belo", ""),
                ("Gusmão", ""), ("Martins", "")),
    ), 1),),
}


def person(country: str, rng: random.Random) -> Person:
    """A random person with a name usual in ``country`` (an ISO alpha-2 member state code)."""
    try:
        styles = STYLES[country]
    except KeyError:
        raise ValueError(f"no demo names for country {country!r}") from None
    style = rng.choices([s for s, _ in styles], weights=[w for _, w in styles])[0]
    given, given_local, gender = rng.choice(style.given)
    family, family_local = rng.choice(style.family)
    if not gender:
        gender = rng.choice("fm")
    connector = ""
    if style.patronymic:
        connector = style.patronymic[0] if gender == "m" else style.patronymic[1]
    if style.local_separator == "" and country == "MM" and rng.random() < 0.4:
        # Many Burmese names have three parts.
        extra, extra_local = rng.choice(style.family)
        if extra != family:
            family, family_local = f"{family} {extra}", f"{family_local}{extra_local}"
    return Person(
        given=given, family=family, given_local=given_local, family_local=family_local,
        gender=gender, family_first=style.family_first, connector=connector,
        local_separator=style.local_separator,
    )
