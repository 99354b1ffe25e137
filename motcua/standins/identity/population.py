"""The identity stand-in's seeded population: people and businesses of Thái Nguyên, deterministic from a seed.

Plain Python (no Django): `population(seed, people, businesses)` returns a list of dicts, the FIXED people
first (docs/interop-identity.md lists them), then generated households and businesses. The communes come
from the `vietnam-provinces` package (province code 19), their codes written on 5 digits as the project's
units are ("05443").

A personal identity number (số định danh cá nhân, CCCD) is 12 digits: the 3-digit code of the province of
birth ("019" Thái Nguyên), 1 digit for century and sex (1900s: 0 male, 1 female; 2000s: 2 male, 3 female),
the last 2 digits of the year of birth, then 6 digits. A tax code (mã số thuế) is 10 digits, "46…" for a
business registered in Thái Nguyên.
"""

from __future__ import annotations

import random
import uuid
from datetime import date

PROVINCE_CODE = 19
PROVINCE_NAME = "tỉnh Thái Nguyên"
BIRTH_PROVINCE = "019"
DEMO_PASSWORD = "vneid-demo-2025"
SUBJECT_NAMESPACE = uuid.UUID("6f1c2a1e-0d6b-5b8e-9c53-7a1f0e2b4c19")

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
                "Ma", "Lưu", "Đinh", "Hà", "Nông", "Triệu", "Phan")
# Weights: Nguyễn is about a third of the country; the Tày and Nùng names (Ma, Nông, Triệu, Hà) are common here.
FAMILY_WEIGHTS = (32, 11, 9, 7, 5, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 3)
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thành", "Ngọc", "Mạnh", "Tiến")
MIDDLE_FEMALE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Phương", "Hồng", "Thúy", "Lan")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Khánh", "Long", "Nam", "Phong", "Quân",
              "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Đạt", "Đông", "Huy", "Kiên", "Lâm", "Thịnh")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
                "Nga", "Ngọc", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Yến", "Huyền", "Loan", "Vân")
HAMLETS = ("Đồng Tâm", "Tân Lập", "Thống Nhất", "Cầu Thành", "Làng Mới", "Na Mao", "Bãi Chè", "Gò Miếu",
           "Đồng Bòng", "Khuôn Ngục", "Tân Thành", "Soi Mít", "Hòa Bình", "Đồng Kiệm", "Cây Thị")
STREETS = ("Hoàng Văn Thụ", "Lương Ngọc Quyến", "Cách Mạng Tháng Tám", "Quang Trung", "Bắc Kạn", "Phan Đình Phùng",
           "Minh Cầu", "Túc Duyên", "Z115", "Thống Nhất", "Dương Tự Minh", "Bến Oánh")
MOBILE_PREFIXES = ("98", "97", "96", "86", "91", "94", "88", "32", "33", "34", "35", "36", "37", "38", "39",
                   "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "56", "58", "59")
BUSINESS_FORMS = ("Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
BUSINESS_TRADES = ("Thương mại Dịch vụ", "Xây dựng", "Chè", "Vận tải", "Cơ khí", "Nông sản", "Du lịch",
                   "Vật liệu xây dựng", "Đầu tư", "Công nghệ")
BUSINESS_NAMES = ("Hoàng Long", "Thái Hưng", "Tân Cương", "Minh Phát", "An Khang", "Phú Thịnh", "Đồng Hỷ",
                  "Gia Sàng", "Sông Cầu", "Bắc Sơn", "Núi Cốc", "Trường An", "Hưng Thịnh", "Việt Bắc", "La Hiên")


def communes() -> list[dict]:
    """The communes and wards of Thái Nguyên ({"code": "05443", "name": "Phường Phan Đình Phùng", "ward"})."""
    from vietnam_provinces import Ward

    wards = sorted((w for w in Ward.iter_all() if int(w.province_code) == PROVINCE_CODE), key=lambda w: int(w.code))
    return [{"code": f"{int(w.code):05d}", "name": w.name, "ward": w.name.lower().startswith("phường")}
            for w in wards]


def subject_of(identifier: str) -> str:
    """The stable `sub` of a person or business: a UUID derived from the identifier."""
    return str(uuid.uuid5(SUBJECT_NAMESPACE, identifier))


def id_number(year: int, male: bool, serial: int) -> str:
    century = 0 if year < 2000 else 2
    return f"{BIRTH_PROVINCE}{century + (0 if male else 1)}{year % 100:02d}{serial:06d}"


def address(place: str, commune: dict) -> str:
    """'Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên' (the division written in lower case, as on papers)."""
    kind, _, name = commune["name"].partition(" ")
    return f"{place}, {kind.lower()} {name}, {PROVINCE_NAME}"


def _person(identifier, full_name, birth, male, commune, street_address, household, phone, email=""):
    return {
        "kind": "person", "identifier": identifier, "subject": subject_of(identifier),
        "id_number": identifier, "tax_code": "", "full_name": full_name, "organization_name": "",
        "birth_date": birth.isoformat(), "gender": "male" if male else "female",
        "permanent_address": street_address, "commune_code": commune["code"], "commune_name": commune["name"],
        "household_code": household, "phone": phone, "email": email,
        "representative_name": "", "representative_id_number": "",
    }


def _business(tax_code, name, commune, street_address, phone, representative, email=""):
    return {
        "kind": "business", "identifier": tax_code, "subject": subject_of(tax_code),
        "id_number": "", "tax_code": tax_code, "full_name": name, "organization_name": name,
        "birth_date": "", "gender": "", "permanent_address": street_address, "commune_code": commune["code"],
        "commune_name": commune["name"], "household_code": "", "phone": phone, "email": email,
        "representative_name": representative["full_name"],
        "representative_id_number": representative["id_number"],
    }


def fixed_population(by_code: dict[str, dict]) -> list[dict]:
    """The well-known people and business that tests and the demo sign in as (docs/interop-identity.md)."""
    ward, commune = by_code["05443"], by_code[_first_named(by_code, "Xã Đại Từ")]
    home = address("Tổ 5", ward)
    people = [
        _person("019090000001", "Nguyễn Văn An", date(1990, 5, 12), True, ward, home, "05443-000001",
                "0912345678", "nguyen.van.an@example.vn"),
        _person("019192000002", "Trần Thị Bình", date(1992, 8, 20), False, ward, home, "05443-000001",
                "0987654321"),
        _person("019075000003", "Lê Văn Dũng", date(1975, 1, 3), True, commune,
                address("Xóm Đồng Tâm", commune), f"{commune['code']}-000001", "0368123456"),
        _person("019305000004", "Phạm Thị Hoa", date(2005, 11, 30), False, commune,
                address("Xóm Tân Lập", commune), f"{commune['code']}-000002", "0978111222"),
    ]
    business = _business("4601234567", "Công ty TNHH Thương mại Dịch vụ An Phát", ward,
                         address("Số 12, đường Hoàng Văn Thụ, tổ 3", ward), "02083856789", people[0],
                         "anphat@example.vn")
    return people + [business]


def _first_named(by_code: dict[str, dict], name: str) -> str:
    return next(code for code, commune in by_code.items() if commune["name"] == name)


def population(seed: int = 2025, people: int = 500, businesses: int = 30) -> list[dict]:
    """About `people` persons in households and `businesses` businesses (the fixed ones included)."""
    rng = random.Random(seed)
    all_communes = communes()
    by_code = {c["code"]: c for c in all_communes}
    result = fixed_population(by_code)
    used = {p["identifier"] for p in result}
    households: dict[str, int] = {}
    for p in result:
        if p["household_code"]:
            households[p["commune_code"]] = max(households.get(p["commune_code"], 0),
                                                int(p["household_code"].rsplit("-", 1)[1]))

    def new_id(year: int, male: bool) -> str:
        while True:
            identifier = id_number(year, male, rng.randrange(1, 1_000_000))
            if identifier not in used:
                used.add(identifier)
                return identifier

    def phone() -> str:
        return f"0{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"

    def member(family: str, male: bool, year: int, commune, home, household) -> dict:
        middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        birth = date(year, rng.randrange(1, 13), rng.randrange(1, 29))
        return _person(new_id(year, male), f"{family} {middle} {given}", birth, male, commune, home, household,
                       phone())

    persons = [p for p in result if p["kind"] == "person"]
    while len(persons) < people:
        commune = rng.choice(all_communes)
        number = households[commune["code"]] = households.get(commune["code"], 0) + 1
        household = f"{commune['code']}-{number:06d}"
        place = f"Tổ {rng.randrange(1, 40)}" if commune["ward"] else f"Xóm {rng.choice(HAMLETS)}"
        home = address(place, commune)
        family = rng.choices(FAMILY_NAMES, FAMILY_WEIGHTS)[0]
        head_male = rng.random() < 0.8
        head_year = rng.randrange(1950, 2001)
        members = [member(family, head_male, head_year, commune, home, household)]
        if rng.random() < 0.75:  # a spouse, with her or his own family name
            spouse_family = rng.choices(FAMILY_NAMES, FAMILY_WEIGHTS)[0]
            members.append(member(spouse_family, not head_male, min(2005, head_year + rng.randrange(-3, 6)),
                                  commune, home, household))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            child_year = head_year + rng.randrange(20, 36)
            if child_year <= 2020:
                members.append(member(family, rng.random() < 0.5, child_year, commune, home, household))
        persons += members[: people - len(persons)]
    result = persons + [p for p in result if p["kind"] == "business"]

    tax_codes = {p["tax_code"] for p in result if p["tax_code"]}
    adults = [p for p in persons if p["birth_date"] < "2005"]
    while sum(p["kind"] == "business" for p in result) < businesses:
        tax_code = f"46{rng.randrange(100_000_000):08d}"
        if tax_code in tax_codes:
            continue
        tax_codes.add(tax_code)
        commune = rng.choice(all_communes)
        name = f"{rng.choice(BUSINESS_FORMS)} {rng.choice(BUSINESS_TRADES)} {rng.choice(BUSINESS_NAMES)}"
        place = (f"Số {rng.randrange(1, 300)}, đường {rng.choice(STREETS)}" if commune["ward"]
                 else f"Xóm {rng.choice(HAMLETS)}")
        result.append(_business(tax_code, name, commune, address(place, commune), phone(), rng.choice(adults)))
    return result
