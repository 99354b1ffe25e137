"""Vietnamese words for the named populations and counted subsets of `populations`, shown on the drill-down
page above the list so that an officer reads what the denominator and the numerator are.

Only wording lives here: what each name means is the predicate in `populations` (and interchange.md). A
name without a Vietnamese text falls back to the registry's English text.
"""

from django.utils.translation import gettext_lazy as _

from motcua.indicators.populations import COUNTED, POPULATIONS
from motcua.indicators.rules import IndicatorRule

POPULATION_TEXTS = {
    "dossiers_received_with_refused": _("Hồ sơ tiếp nhận trong kỳ, kể cả hồ sơ bị từ chối tiếp nhận"),
    "dossiers_received": _("Hồ sơ tiếp nhận trong kỳ (không kể hồ sơ bị từ chối tiếp nhận)"),
    "dossiers_received_synced": _("Hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng DVCQG"),
    "dossiers_under_processing": _("Hồ sơ giải quyết trong kỳ: kỳ trước chuyển qua và mới tiếp nhận"),
    "dossiers_received_full_online_eligible": _("Hồ sơ tiếp nhận trong kỳ của TTHC đủ điều kiện DVCTT toàn trình"),
    "dossiers_received_with_fee": _("Hồ sơ tiếp nhận trong kỳ có nghĩa vụ tài chính"),
    "dossiers_resolved_written_result": _("Hồ sơ đã giải quyết trong kỳ của TTHC có kết quả bằng văn bản"),
    "procedures_decided_in_period": _("TTHC thuộc thẩm quyền có quyết định công bố trong kỳ"),
    "procedures_published": _("TTHC thuộc thẩm quyền đã công khai trên CSDL quốc gia"),
    "procedures_under_unit": _("TTHC thuộc thẩm quyền của đơn vị"),
    "procedures_online": _("TTHC thuộc thẩm quyền có cung cấp DVCTT"),
    "procedures_fee_bearing": _("TTHC thuộc thẩm quyền có phí, lệ phí"),
    "procedures_fee_bearing_with_dossiers": _("TTHC có phí, lệ phí có hồ sơ tiếp nhận trong kỳ"),
    "procedures_for_citizens": _("TTHC thuộc thẩm quyền có đối tượng là công dân"),
    "feedback_under_unit": _("Phản ánh, kiến nghị thuộc thẩm quyền chưa xử lý xong trước kỳ"),
    "communes_in_subtree": _("Xã, phường thuộc đơn vị"),
}

COUNTED_TEXTS = {
    "synced_by_t": _("đã đồng bộ lên Cổng DVCQG"),
    "not_late_at_t": _("giải quyết trước hạn, đúng hạn hoặc đang giải quyết trong hạn"),
    "online_with_e_result_if_required": _("nộp trực tuyến, có kết quả điện tử nếu TTHC yêu cầu kết quả bằng văn bản"),
    "full_online": _("thực hiện DVCTT toàn trình"),
    "paid_online_by_t": _("đã thanh toán trực tuyến"),
    "satisfied_no_complaint_not_late": _("không bị đánh giá không hài lòng, không có phản ánh, không trễ hạn"),
    "e_result_by_t": _("có kết quả điện tử"),
    "digitized_with_e_result_if_required": _("đã số hóa, có kết quả điện tử nếu TTHC yêu cầu kết quả bằng văn bản"),
    "reused_data": _("có khai thác, sử dụng lại dữ liệu số hóa"),
    "data_store": _("có kết nối kho dữ liệu điện tử của tổ chức, cá nhân"),
    "citizen_data": _("có sử dụng dữ liệu dân cư (VNeID)"),
    "decision_on_time": _("quyết định công bố đúng hạn"),
    "published_on_time": _("công khai đúng hạn trên CSDL quốc gia"),
    "parts_complete": _("công khai đầy đủ 7 bộ phận tạo thành"),
    "offered_online": _("cung cấp DVCTT một phần hoặc toàn trình"),
    "with_online_dossier": _("có hồ sơ trực tuyến trong kỳ"),
    "fee_integrated_with_synced_fee_dossier": _("đã tích hợp thanh toán trực tuyến và có hồ sơ có phí đã đồng bộ"),
    "with_online_payment": _("có giao dịch thanh toán trực tuyến"),
    "with_citizen_data_dossier": _("có hồ sơ sử dụng dữ liệu dân cư"),
    "handled_on_time": _("xử lý đúng hạn hoặc còn trong hạn"),
    "satisfied_on_time_not_raised_again": _("hài lòng, đúng hạn và không bị phản ánh lại"),
    "e_certified_copy": _("cung cấp chứng thực bản sao điện tử"),
}


def selector_labels(rule: IndicatorRule) -> dict[str, str]:
    """{"population": ..., "counted": ...} for one indicator, in Vietnamese where known."""
    return {
        "population": POPULATION_TEXTS.get(rule.population, POPULATIONS[rule.population].text),
        "counted": COUNTED_TEXTS.get(rule.counted, COUNTED[rule.counted].text),
    }
