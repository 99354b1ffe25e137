"""Vietnamese search keys: no case, no diacritics, đ is d."""

from motcua.lib.textfold import fold, matches


def test_fold_strips_tones_and_marks_and_d_bar():
    assert fold("Đăng ký  KHAI SINH") == "dang ky khai sinh"
    assert fold("Chứng thực bản sao từ bản chính") == "chung thuc ban sao tu ban chinh"
    assert fold("ĐỖ THỊ HƯỜNG") == "do thi huong"


def test_fold_accepts_decomposed_input():
    assert fold("Nguye\u0302\u0303n") == "nguyen"  # NFD as typed by some keyboards


def test_matches_needs_every_word_somewhere():
    assert matches("khai sinh", "1.001193", "Thủ tục đăng ký khai sinh")
    assert matches("1.001193", "1.001193", "Thủ tục đăng ký khai sinh")
    assert not matches("ket hon", "1.001193", "Thủ tục đăng ký khai sinh")
    assert matches("dang ky khai", "1.001193", "Thủ tục đăng ký khai sinh")  # words may be typed partly
    assert matches("", "anything")
