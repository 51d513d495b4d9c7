"""The one rule for phone numbers and postal addresses, as the dialogs, the API and spreadsheets apply it."""
import pytest

from parcelback.contacts.rules import address_problems, country_code, phone_problem, same_phone_key


@pytest.mark.parametrize("phone", [
    "13800138000", "138 0013 8000", "+86 139-0000-1234", "19912345678",  # mainland mobiles
    "010-62345678", "0755 8888 6666", "(021) 5888 1234",  # landlines with their area code
    "+81 3 5500 1234", "+1 212 555 0123", "+44 20 7946 0958",  # international with the country code
])
def test_valid_phone_numbers(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone, problem", [
    ("", "required"), ("   ", "required"),
    ("12345678901", "invalid_phone"),  # 1 then 2: no mainland mobile starts so
    ("1380013800", "invalid_phone"),  # one digit short
    ("10086", "invalid_phone"), ("call me", "invalid_phone"), ("+999 1234 5678", "invalid_phone"),
    ("13800138000x", "invalid_phone"),
])
def test_invalid_phone_numbers(phone, problem):
    assert phone_problem(phone) == problem


def test_one_number_written_two_ways_is_the_same_number():
    assert same_phone_key("138-0013-8000") == same_phone_key("+86 13800138000") == "+8613800138000"


@pytest.mark.parametrize("written, code", [
    ("中国", "CN"), ("China", "CN"), ("cn", "CN"), ("日本", "JP"), ("Japan", "JP"), ("美国", "US"), ("USA", "US"),
    ("香港", "HK"), ("中国香港特别行政区", "HK"), ("台灣", "TW"), ("台湾", "TW"), ("Narnia", None), ("", None),
])
def test_countries_by_code_or_chinese_or_english_name(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize("address, problems", [
    ({"country": "中国", "province": "浙江省", "city": "杭州市", "street": "文一西路 1 号", "postcode": "311121"}, {}),
    ({"country": "中国", "province": "浙江省", "city": "杭州市", "street": "文一西路 1 号", "postcode": "3111"},
     {"postcode": "invalid_postcode"}),
    ({"country": "中国", "province": "", "city": "", "street": "", "postcode": ""},
     {"province": "required", "city": "required", "street": "required", "postcode": "required"}),
    ({"country": "日本", "province": "東京都", "city": "", "street": "千代田 1-1", "postcode": "100-0001"}, {}),
    ({"country": "US", "province": "NY", "city": "New York", "street": "1 Main St", "postcode": "10001-1234"}, {}),
    ({"country": "US", "province": "NY", "city": "New York", "street": "1 Main St", "postcode": "1000"},
     {"postcode": "invalid_postcode"}),
    ({"country": "香港", "province": "九龍", "city": "", "street": "彌敦道 1 號", "postcode": ""}, {}),  # no postcodes
    ({"country": "Narnia", "province": "", "city": "", "street": "x", "postcode": ""}, {"country": "unknown_country"}),
    ({"country": "", "province": "x", "city": "x", "street": "x", "postcode": "x"}, {"country": "required"}),
])
def test_addresses_need_what_their_country_needs(address, problems):
    assert address_problems(**address) == problems
