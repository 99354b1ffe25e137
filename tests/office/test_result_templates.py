"""Each procedure's result from its template (motcua/office/result_templates.py): loaded as versions and
checked against the procedure's form, filled from the dossier and its submitted answers, the same in the
preview and in the signed file, whose visible signature sits over the signer block."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.applications.definitions import latest as latest_form
from motcua.applications.definitions import load_forms
from motcua.applications.models import Submission
from motcua.catalog.models import ResultTemplate
from motcua.office import actions, pdfs
from motcua.office.models import DossierResult
from motcua.office.result_templates import TEMPLATES_FILE, load_templates, register_number
from motcua.results.templates import MISSING, TemplateError
from tests.office.conftest import AT, receive
from tests.office.test_documents import pdfsig, pdftotext

pytestmark = pytest.mark.django_db

BIRTH_ANSWERS = {
    "applicant_name": "Nguyễn Văn An", "applicant_id_number": "019090001234", "relationship": "Cha",
    "child_name": "Nguyễn Minh Khôi", "child_sex": "Nam", "child_birth_date": "01/11/2025",
    "child_birth_place": "Bệnh viện Đa khoa Trung ương Thái Nguyên", "child_ethnicity": "Kinh",
    "child_hometown": "xã Tân Cương, tỉnh Thái Nguyên", "mother_name": "Trần Thị Hoa",
    "mother_id_number": "019190005678", "mother_birth_year": "1995", "mother_ethnicity": "Tày",
    "mother_residence": "Tổ 5, phường Phan Đình Phùng", "father_name": "Nguyễn Văn An",
    "father_birth_year": "1993", "father_ethnicity": "Kinh", "father_nationality": "Việt Nam",
    "father_residence": "Tổ 5, phường Phan Đình Phùng", "commitment": "on",
}


@pytest.fixture
def templates_loaded(world):
    load_forms()
    return load_templates()


def _resolved_birth(world, answers=BIRTH_ANSWERS):
    dossier = receive(world)
    if answers is not None:
        Submission.objects.create(dossier=dossier, procedure=world.birth, form=latest_form(world.birth),
                                  answers=answers, submitted_at=AT)
    dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    return actions.do_resolve(dossier, actor=world.processor_a, result_text="Đăng ký khai sinh cho trẻ.",
                              version=dossier.version)


def test_loading_stores_versions_and_refuses_a_broken_template_naming_the_field(world, templates_loaded, tmp_path):
    # The test catalog has two of the five procedures with a template (birth, certified copy).
    assert templates_loaded == {"created": 2, "unchanged": 0, "missing_procedure": 3}
    assert load_templates() == {"created": 0, "unchanged": 2, "missing_procedure": 3}
    entries = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    birth = next(e for e in entries if e["procedure"] == "1.001193")
    birth["signer_title"] = "TM. Ủy ban nhân dân\nChủ tịch"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([birth], ensure_ascii=False), encoding="utf-8")
    assert load_templates(changed)["created"] == 1
    assert list(ResultTemplate.objects.filter(procedure=world.birth).values_list("version", flat=True)) == [2, 1]

    birth["lines"][0]["value"] = "{answers.ten_tre}"  # not a field of the birth form
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([birth], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"^broken\.json\[0\] \(1\.001193\): lines\[0\]\[0\]\.value: biểu mẫu của "
                                            r"thủ tục không có trường “ten_tre”"):
        load_templates(broken)
    assert ResultTemplate.objects.filter(procedure=world.birth).count() == 2  # nothing stored


def test_the_command_reports_what_it_loaded(world, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    load_forms()
    out = StringIO()
    call_command("results", "load", stdout=out)
    assert "Mẫu kết quả mới: 2 · không đổi: 0 · thủ tục không có trong danh mục: 3" in out.getvalue()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"procedure": "1.001193", "title": "X", "lines": [{"label": "A", "value": "{result.day}"}]}]',
                      encoding="utf-8")
    with pytest.raises(CommandError, match=r"lines\[0\]\[0\]\.value: giá trị “\{result\.day\}” không có"):
        call_command("results", "load", "--file", str(broken))


def test_the_birth_extract_is_filled_from_the_answers_previewed_and_signed_alike(world, templates_loaded, client_of,
                                                                                  tmp_path):
    dossier = _resolved_birth(world)
    leader = client_of(world.leader_a)
    preview = pdftotext(leader.get(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf").content, tmp_path)
    assert leader.post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                       {"version": dossier.version, "reviewed": "on"}).status_code == 302
    signed = client_of(world.desk_a).get(f"/ho-so/{dossier.code}/ket-qua.pdf").content
    text = pdftotext(signed, tmp_path)
    expected = [
        "UBND PHƯỜNG PHAN ĐÌNH PHÙNG", "Số: 1/TLKS", "TRÍCH LỤC KHAI SINH (Bản chính)",
        "Họ, chữ đệm, tên: NGUYỄN MINH KHÔI", "Ngày, tháng, năm sinh: 01/11/2025",
        "Ghi bằng chữ: ngày một, tháng mười một, năm hai nghìn không trăm hai mươi lăm",
        "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",  # the child's nationality left blank: the default
        "Nơi sinh: Bệnh viện Đa khoa Trung ương Thái Nguyên", "Quê quán: xã Tân Cương, tỉnh Thái Nguyên",
        f"Số định danh cá nhân: {MISSING}",  # not asked: the gap shows in the preview
        "Họ, chữ đệm, tên người mẹ: TRẦN THỊ HOA", "Năm sinh: 1995 Dân tộc: Tày Quốc tịch: Việt Nam",
        "Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN", "Năm sinh: 1993 Dân tộc: Kinh Quốc tịch: Việt Nam",
        "Nơi đăng ký khai sinh: UBND phường Phan Đình Phùng", "Số: 1 Quyển số: 01/20", "NGƯỜI KÝ TRÍCH LỤC",
        "Lê Văn Lãnh", f"Mã kết quả điện tử: KQ-{dossier.code}",
    ]
    for line in expected:
        assert line in preview, line
        assert line in text, line
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" not in text  # not the generic result
    # The visible signature: in the signer block, with its stamp, and both validators accept the file.
    assert "Ký bởi: UBND phường Phan Đình Phùng" in text and "Cơ quan: UBND phường Phan Đình Phùng" in text
    assert "Thời gian ký:" in text
    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path, "-nocert")
    reader = PdfFileReader(BytesIO(signed), strict=False)
    field = next(f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == "ChuKyDonVi")
    assert len(field["/AP"]["/N"].get_object().data) > 100
    result = DossierResult.objects.get(dossier=dossier)
    box = pdfs.result_layout(dossier, result.code, result.issued_at, "Lê Văn Lãnh").signature_box
    assert [float(v) for v in field["/Rect"]] == pytest.approx(box.box, abs=0.01)


def test_a_desk_dossier_without_answers_prints_gaps_and_the_dossier_s_own_values(world, templates_loaded, tmp_path):
    dossier = _resolved_birth(world, answers=None)
    text = pdftotext(pdfs.result_document(dossier, actions.result_code(dossier), AT, "Lê Văn Lãnh"), tmp_path)
    assert f"Họ, chữ đệm, tên: {MISSING}" in text and "Quốc tịch: Việt Nam" in text
    assert "Nơi đăng ký khai sinh: UBND phường Phan Đình Phùng" in text


def test_the_certified_copy_prints_the_certification_text(world, templates_loaded, tmp_path):
    dossier = receive(world, procedure=world.copy)
    Submission.objects.create(dossier=dossier, procedure=world.copy, form=latest_form(world.copy), submitted_at=AT,
                              answers={"applicant_name": "Nguyễn Văn An", "document_name": "Bằng tốt nghiệp đại học",
                                       "copies": "3"})
    text = pdftotext(pdfs.result_document(dossier, actions.result_code(dossier), AT, "Lê Văn Lãnh"), tmp_path)
    for line in ("LỜI CHỨNG CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
                 "Giấy tờ, văn bản được chứng thực: Bằng tốt nghiệp đại học", "Số bản sao: 3",
                 "Chứng thực bản sao đúng với bản chính.", "Số chứng thực 1, quyển số 01/2025-SCT/BS.",
                 "Ngày 05 tháng 11 năm 2025", "NGƯỜI THỰC HIỆN CHỨNG THỰC"):
        assert line in text, line


def test_a_procedure_without_a_template_keeps_the_generic_result(world, templates_loaded, tmp_path):
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    text = pdftotext(pdfs.result_document(dossier, actions.result_code(dossier), AT, "Bùi Văn Tài"), tmp_path)
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH" in text


def test_the_register_number_counts_the_unit_s_signed_results_of_the_year(world, templates_loaded, client_of):
    first = _resolved_birth(world)
    assert register_number(first, AT) == 1
    assert client_of(world.leader_a).post(f"/ho-so/{first.code}/phe-duyet-ky-so/",
                                          {"version": first.version, "reviewed": "on"}).status_code == 302
    second = _resolved_birth(world)
    later = DossierResult.objects.get(dossier=first).issued_at + timedelta(minutes=1)
    assert register_number(second, later) == 2
    assert register_number(first, later) == 1  # a signed result keeps its number


OTHER_PROCEDURES = {
    "1.000656": ("Thủ tục đăng ký khai tử", "Hộ tịch", {
        "deceased_name": "Phạm Văn Bình", "deceased_birth_date": "20/04/1940", "deceased_sex": "Nam",
        "deceased_ethnicity": "Kinh", "deceased_id_number": "019040000111", "death_time": "14 giờ 30 phút",
        "death_date": "02/11/2025", "death_place": "Tổ 5, phường Phan Đình Phùng", "death_cause": "Tuổi cao"},
        ["TRÍCH LỤC KHAI TỬ (Bản chính)", "Họ, chữ đệm, tên: PHẠM VĂN BÌNH", "Ngày, tháng, năm sinh: 20/04/1940",
         "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam", "Đã chết vào lúc: 14 giờ 30 phút, ngày 02/11/2025",
         "Nguyên nhân chết: Tuổi cao", "Nơi đăng ký khai tử: UBND phường Phan Đình Phùng"]),
    "1.004873": ("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", {
        "applicant_name": "Nguyễn Văn An", "applicant_id_number": "019090001234", "birth_date": "12/03/1990",
        "sex": "Nam", "marital_status": "Chưa kết hôn với ai", "purpose": "Đăng ký kết hôn"},
        ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Xét đề nghị của ông/bà Nguyễn Văn An", "XÁC NHẬN:",
         "Họ, chữ đệm, tên: NGUYỄN VĂN AN", "Ngày, tháng, năm sinh: 12/03/1990",
         "Giấy tờ tùy thân: Số định danh cá nhân 019090001234", "Tình trạng hôn nhân: Chưa kết hôn với ai",
         "được sử dụng để: Đăng ký kết hôn.", "NGƯỜI KÝ GIẤY XÁC NHẬN"]),
    "1.001612": ("Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", {
        "applicant_name": "Nguyễn Văn An", "applicant_id_number": "019090001234", "business_name": "Tạp hóa An Bình",
        "business_address": "Số 12, tổ 5, phường Phan Đình Phùng", "business_lines": "Bán lẻ hàng tạp hóa",
        "capital_vnd": "150000000", "employees": "2"},
        ["GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Đăng ký lần đầu: ngày 05/11/2025",
         "1. Tên hộ kinh doanh: TẠP HÓA AN BÌNH", "3. Ngành, nghề kinh doanh: Bán lẻ hàng tạp hóa",
         "4. Vốn kinh doanh: 150.000.000 đồng", "5. Số lượng lao động: 2",
         "6. Họ và tên chủ hộ kinh doanh: NGUYỄN VĂN AN", "Điện thoại: 0912345678"]),
}


def test_each_shipped_template_fills_from_its_form_s_answers(world, tmp_path):
    from motcua.catalog.models import Authority
    from tests.office.conftest import _procedure

    procedures = {}
    for code, (name, field, _answers, _lines) in OTHER_PROCEDURES.items():
        procedures[code] = _procedure(code, name, field, "commune", "3")
        Authority.objects.create(unit=world.commune_a, procedure=procedures[code])
    load_forms()
    assert load_templates() == {"created": 5, "unchanged": 0, "missing_procedure": 0}
    for code, (_name, _field, answers, lines) in OTHER_PROCEDURES.items():
        procedure = procedures[code]
        dossier = receive(world, procedure=procedure, files=False)
        Submission.objects.create(dossier=dossier, procedure=procedure, form=latest_form(procedure), answers=answers,
                                  submitted_at=AT)
        text = pdftotext(pdfs.result_document(dossier, actions.result_code(dossier), AT, "Lê Văn Lãnh"), tmp_path)
        for line in lines:
            assert line in text, (code, line)
