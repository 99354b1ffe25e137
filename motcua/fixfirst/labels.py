"""The Vietnamese names and meanings of the kinds of action, for the command's table and the page."""

from motcua.fixfirst.engine import KINDS

KIND_LABELS = {kind.name: kind.label for kind in KINDS}
KIND_MEANINGS = {
    "sync": "Mỗi hồ sơ được đồng bộ lên Cổng DVCQG tại thời điểm tính.",
    "digitise": "Mỗi hồ sơ được số hóa thành phần hồ sơ.",
    "e_result": "Mỗi hồ sơ được cấp kết quả điện tử tại thời điểm tính.",
    "offer_online": "Mỗi thủ tục được cung cấp dịch vụ công trực tuyến (ít nhất một phần).",
    "online_payment": "Mỗi thủ tục có phí được tích hợp thanh toán trực tuyến.",
    "answer_feedback": "Mỗi phản ánh, kiến nghị chưa xử lý được trả lời ngay (trước khi quá 15 ngày làm việc).",
    "finish_before_due": "Mỗi hồ sơ đang giải quyết (không chờ bổ sung, nộp phí) được giải quyết xong ngay, "
                         "kèm kết quả điện tử nếu thủ tục có kết quả bằng văn bản.",
}
assert set(KIND_MEANINGS) == set(KIND_LABELS)
