import pytest

from donors.transfer_codes import CAMPAIGN, PLEDGE, TransferCode, find_codes


def test_it_finds_a_code_the_way_banks_mangle_descriptions():
    code = str(TransferCode("19", PLEDGE, 1234))
    assert code.startswith("TE19P0001234")
    assert len(code) == 13
    mangled = [
        f"MBVCB.3928472.{code}.CHUYEN TIEN UNG HO TRE EM",
        f"{code.lower()} ung ho",
        f"CK{code}NGUYEN VAN A",
        f"Chuyển tiền {code[:4]} {code[4:9]}-{code[9:]}",
    ]
    for description in mangled:
        assert find_codes(description) == [TransferCode("19", PLEDGE, 1234)], description


def test_it_refuses_a_code_with_one_digit_wrong():
    code = str(TransferCode("19", CAMPAIGN, 77))
    for position in range(2, len(code)):
        if not code[position].isdigit():
            continue
        for digit in "0123456789":
            if digit != code[position]:
                typo = code[:position] + digit + code[position + 1 :]
                assert find_codes(typo) == [], typo


def test_it_reads_digits_glued_after_a_code_as_not_part_of_it():
    code = str(TransferCode("19", PLEDGE, 5))
    assert find_codes(f"{code}0123456789") == [TransferCode("19", PLEDGE, 5)]


def test_it_lists_two_codes_once_each_in_order():
    first, second = TransferCode("19", PLEDGE, 8), TransferCode("19", CAMPAIGN, 3)
    assert find_codes(f"{first} {second} {first}") == [first, second]


def test_it_finds_nothing_in_ordinary_descriptions():
    assert find_codes("IBFT CHUYEN TIEN TE 19 THANG 11 SO TK 0011004455667") == []
    assert find_codes("") == []


def test_it_numbers_only_what_fits_seven_digits():
    with pytest.raises(ValueError, match="1 to 9999999"):
        TransferCode("19", PLEDGE, 10_000_000)
