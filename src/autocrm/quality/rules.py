"""The catalogue of cleaning rules (D4): every code a load can report, in one place.

severity: "row" rejects the whole row; "field" removes the value and keeps the row;
"warning" means the value was corrected deterministically and the correction is reported.
message_zh is the sentence a dealer clerk reads next to the row; fix_zh says how to fix it at
the source so the next export is right. Each text has an English twin; pages show the one of
the user's language, the dealer's error report the Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from django.utils.translation import get_language

Severity = Literal["row", "field", "warning"]


@dataclass(frozen=True)
class Rule:
    """One cleaning rule: its stable code, severity and the texts shown to people."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    fix_zh: str
    fix_en: str = ""

    @property
    def message(self) -> str:
        """Return the explanation in the active language."""
        return self.message_en if get_language() == "en" else self.message_zh

    @property
    def fix(self) -> str:
        """Return how to fix it in the active language."""
        return self.fix_en if get_language() == "en" else self.fix_zh


_RULES = [
    # --- whole row -------------------------------------------------------------------------
    Rule("REQUIRED_MISSING", "row",
         "必填字段为空或无效，整行未导入，请补全后重新上传",
         "A required field is empty or invalid; the row was not loaded",
         "补全该字段（见同一行的其他提示）后重新上传整行"),
    Rule("CELL_TOO_LONG", "field",
         "单元格内容过长（超出该字段允许的长度），该值未导入",
         "The cell is longer than the field allows; the value was not loaded",
         "检查导出设置：该单元格可能混入了整段文本或其他列的内容"),
    Rule("NUL_REMOVED", "warning",
         "单元格中含有空字符 (NUL)，已删除该字符",
         "The cell held NUL characters, which were removed",
         "检查导出程序：文本中不应包含二进制字符"),
    Rule("DUPLICATE_ROW", "row",
         "与本文件中另一行完全重复，已忽略",
         "The row repeats another row of the same file and was ignored",
         "删除重复行；如确为两条不同记录，请检查单号是否录错"),
    Rule("ROW_TOO_MANY_CELLS", "row",
         "该行的单元格比表头多，无法确定各值对应的列，整行未加载",
         "The row has more cells than the header; it was not loaded",
         "检查该行是否含有未加引号的逗号，或多出的列，修正后重新上传"),
    Rule("ROW_TRUNCATED", "row",
         "文件末行不完整（被截断），整行未加载",
         "The last line of the file is cut off; it was not loaded",
         "重新导出完整文件后上传"),
    Rule("ENCODING_DAMAGED", "row",
         "该行含有乱码（文件曾以错误编码打开并保存），整行未加载",
         "The row holds replacement characters: the file was saved in the wrong encoding",
         "请从源系统重新导出文件，不要用其他编码打开后另存"),
    Rule("JSON_INVALID", "row",
         "该行不是有效的 JSON 对象，未加载",
         "The line is not a valid JSON object; it was not loaded",
         "检查该行的引号和括号是否完整"),
    # --- names -----------------------------------------------------------------------------
    Rule("NAME_TOO_SHORT", "field",
         "姓名不足2个字，已清除，请填写完整姓名",
         "The person's name has fewer than 2 characters and was removed",
         "填写身份证上的完整姓名"),
    Rule("NAME_TITLE_ONLY", "field",
         "姓名只有称呼（如“王先生”“李女士”），已清除，请填写完整姓名",
         "The name is only a surname with a title (e.g. 王先生) and was removed",
         "向客户核实并填写身份证上的完整姓名，不要用先生/女士/小姐代替"),
    Rule("NAME_INVALID", "field",
         "姓名含数字、没有文字或只是“客户”“测试”等占位词，已清除，请填写正确姓名",
         "The person's name contains digits, no letters, or is a placeholder; it was removed",
         "检查是否把电话、编号等填进了姓名栏；不知道姓名时留空"),
    # --- phones ----------------------------------------------------------------------------
    Rule("PHONE_TOO_SHORT", "field",
         "手机号码不足11位，已清除，请补全后重新上传",
         "The mobile number has fewer than 11 digits and was removed",
         "向客户核实并填写完整的11位手机号码"),
    Rule("PHONE_LANDLINE", "field",
         "手机栏填写的是固定电话，已从手机栏清除，请填写手机号码",
         "A landline number was in the mobile column and was removed from it",
         "固定电话请填写在其他联系方式栏，手机栏只填11位手机号码"),
    Rule("PHONE_INVALID", "field",
         "手机号码格式不正确，已清除，请核实后重新上传",
         "The mobile number is not a valid mainland mobile number and was removed",
         "手机号码应为1开头的11位数字，第二位为3-9"),
    Rule("PHONE_NORMALISED", "warning",
         "手机号码已自动整理（去掉+86、横线、括号或全角字符）",
         "The mobile number was normalised (+86, dashes, brackets or full-width removed)",
         "导出时只保留11位数字即可"),
    Rule("PHONE_MULTIPLE", "warning",
         "手机栏填了多个号码，只保留了第一个",
         "Several numbers were in the mobile column; only the first was kept",
         "每个手机栏只填一个号码，其他号码请填在联系人或备注栏"),
    # --- identity numbers ------------------------------------------------------------------
    Rule("ID_EXCEL_MANGLED", "field",
         "证件号码被Excel改成了科学计数法或末位变成000，无法恢复，请重新录入",
         "Excel turned the ID number into scientific notation (or zeroed its tail); "
         "it cannot be recovered",
         "在Excel中先把证件号码列设为“文本”格式，再重新录入并导出"),
    Rule("ID_FORMAT", "field",
         "证件号码位数或字符不对，已清除，请核对身份证后重新上传",
         "The ID number has the wrong length or characters and was removed",
         "身份证号码应为18位（最后一位可以是X），或15位旧号码"),
    Rule("ID_CHECKSUM", "field",
         "身份证号码校验位不对（可能有录错的数字），已清除，请核对后重新上传",
         "The resident ID number fails its check digit (likely a typo) and was removed",
         "对照身份证原件逐位核对号码"),
    Rule("ID_BIRTHDATE", "field",
         "身份证号码中的出生日期不存在或不合理，已清除，请核对后重新上传",
         "The birth date inside the resident ID number is impossible and was removed",
         "核对号码第7-14位（出生年月日）"),
    Rule("ID_REGION", "field",
         "身份证号码前6位不是有效的行政区划代码，已清除，请核对后重新上传",
         "The first 6 digits of the resident ID number are not a valid region code",
         "核对号码前6位（地区码）"),
    Rule("ID_15_CONVERTED", "warning",
         "15位旧身份证号码已按国家标准自动升级为18位",
         "The 15-digit ID number was converted to the 18-digit form by the national rule",
         "今后请录入18位身份证号码"),
    Rule("USCC_INVALID", "field",
         "统一社会信用代码不正确，已清除，请核对营业执照后重新上传",
         "The unified social credit code is invalid and was removed",
         "对照营业执照核对18位统一社会信用代码"),
    # --- vehicles --------------------------------------------------------------------------
    Rule("VIN_FORMAT", "field",
         "车架号含有不允许的字符，已清除，请核对行驶证后重新上传",
         "The VIN contains characters other than letters and digits and was removed",
         "车架号只含数字和字母（不含I、O、Q）"),
    Rule("VIN_LENGTH", "field",
         "车架号不是17位，已清除，请核对行驶证后重新上传",
         "The VIN does not have 17 characters and was removed",
         "对照行驶证或车辆铭牌填写完整的17位车架号"),
    Rule("VIN_CHECK_DIGIT", "field",
         "车架号校验位（第9位）不对，可能有录错的字符，已清除，请核对后重新上传",
         "The VIN fails its check digit (position 9) and was removed",
         "对照行驶证逐位核对车架号"),
    Rule("VIN_OIQ_FIXED", "warning",
         "车架号中的字母O/I/Q已自动改为数字0/1/0（车架号不使用这三个字母）",
         "Letters O/I/Q in the VIN were replaced by 0/1/0 and the check digit then matched",
         "录入车架号时注意区分字母O和数字0、字母I和数字1"),
    Rule("PLATE_INVALID", "field",
         "车牌号格式不正确，已清除，请核对行驶证后重新上传",
         "The licence plate is not a valid Chinese plate and was removed",
         "车牌号应为省份简称+字母+5或6位字母数字，如“京A12345”；未上牌请留空"),
    # --- dates -----------------------------------------------------------------------------
    Rule("DATE_UNPARSEABLE", "field",
         "日期无法识别，已清除，请按“2023-05-01”格式填写",
         "The date could not be read and was removed",
         "日期请写成年-月-日，如2023-05-01；带时间写成2023-05-01 08:30"),
    Rule("DATE_FUTURE", "field",
         "日期晚于今天（或明显不合理），已清除，请核对后重新上传",
         "The date lies in the future (or is implausibly far out) and was removed",
         "检查年份是否录错"),
    Rule("DATE_BEFORE_1900", "field",
         "日期早于1900年，已清除，请核对后重新上传",
         "The date is before 1900 and was removed",
         "检查年份是否录错"),
    # --- numbers and codes -----------------------------------------------------------------
    Rule("AMOUNT_NOT_NUMERIC", "field",
         "金额不是数字，已清除，请只填写数字金额",
         "The amount is not a number and was removed",
         "金额只填数字，如12800.50；不要填“待定”等文字"),
    Rule("INTEGER_INVALID", "field",
         "应为整数，已清除，请只填写整数",
         "The value should be a whole number and was removed",
         "里程、期数、积分、得分等只填整数"),
    Rule("VALUE_OUT_OF_RANGE", "field",
         "数值超出合理范围，已清除，请核对后重新上传",
         "The number is outside the plausible range and was removed",
         "检查是否多录或少录了位数"),
    Rule("NUMBER_EXCEL_MANGLED", "field",
         "编号或号码被Excel改成了科学计数法，无法恢复，请重新录入",
         "Excel turned the number into scientific notation; it cannot be recovered",
         "在Excel中先把该列设为“文本”格式，再重新录入并导出"),
    Rule("ANSWER_UNKNOWN", "field",
         "问卷答案不在可选项内，已忽略（线索仍已录入）",
         "The answer is not one of the questionnaire's choices and was left out (the lead "
         "was kept)",
         "请用问卷的选项填写（如“7天内购车”“预算已确认”），不要自由填写"),
    Rule("GENDER_UNKNOWN", "field",
         "性别无法识别，已清除，请填写“男”或“女”",
         "The gender could not be read and was removed",
         "性别只填“男”或“女”"),
]  # fmt: skip

_FIX_EN = {
    "REQUIRED_MISSING":
        "Fill in the field (see the row's other notes) and upload the whole row again",
    "CELL_TOO_LONG":
        "Check the export settings: the cell may hold a whole text or another column's content",
    "NUL_REMOVED": "Check the export program: text must not hold binary characters",
    "DUPLICATE_ROW": "Delete the repeated row; if they are two records, check the order number",
    "ROW_TOO_MANY_CELLS":
        "Check the row for an unquoted comma or extra columns, fix it and upload again",
    "ROW_TRUNCATED": "Export the whole file again and upload it",
    "ENCODING_DAMAGED":
        "Export the file again from the source system; do not re-save it in another encoding",
    "JSON_INVALID": "Check that the line's quotes and brackets are complete",
    "NAME_TOO_SHORT": "Enter the full name as on the ID card",
    "NAME_TITLE_ONLY": "Ask the customer and enter the full name as on the ID card, not Mr/Ms",
    "NAME_INVALID":
        "Check that no phone or number went into the name column; leave it empty when unknown",
    "PHONE_TOO_SHORT": "Ask the customer and enter the full 11-digit mobile number",
    "PHONE_LANDLINE":
        "Put landlines in the other-contact column; the mobile column takes 11-digit mobiles only",
    "PHONE_INVALID": "A mobile number has 11 digits, starts with 1 and its second digit is 3-9",
    "PHONE_NORMALISED": "Export the 11 digits only",
    "PHONE_MULTIPLE": "Put one number per mobile column; others go in the contact or notes column",
    "ID_EXCEL_MANGLED":
        "In Excel, format the ID number column as Text first, then enter and export again",
    "ID_FORMAT":
        "A resident ID number has 18 characters (the last may be X), or 15 in the old form",
    "ID_CHECKSUM": "Check the number digit by digit against the ID card",
    "ID_BIRTHDATE": "Check digits 7-14 (the date of birth)",
    "ID_REGION": "Check the first 6 digits (the region code)",
    "ID_15_CONVERTED": "Enter 18-digit ID numbers from now on",
    "USCC_INVALID": "Check the 18-character code against the business licence",
    "VIN_FORMAT": "A VIN holds digits and letters only (no I, O or Q)",
    "VIN_LENGTH": "Enter the full 17-character VIN from the registration or the nameplate",
    "VIN_CHECK_DIGIT": "Check the VIN character by character against the registration",
    "VIN_OIQ_FIXED": "Tell the letter O from the digit 0 and the letter I from the digit 1",
    "PLATE_INVALID":
        "A plate is a province character, a letter and 5 or 6 letters or digits (京A12345); "
        "leave it empty before registration",
    "DATE_UNPARSEABLE":
        "Write dates as year-month-day, e.g. 2023-05-01, with a time 2023-05-01 08:30",
    "DATE_FUTURE": "Check the year",
    "DATE_BEFORE_1900": "Check the year",
    "AMOUNT_NOT_NUMERIC": "Enter digits only, e.g. 12800.50, not words such as 待定",
    "INTEGER_INVALID": "Mileage, terms, points and scores take whole numbers only",
    "VALUE_OUT_OF_RANGE": "Check for a digit too many or too few",
    "NUMBER_EXCEL_MANGLED":
        "In Excel, format the column as Text first, then enter and export again",
    "GENDER_UNKNOWN": "Enter 男 or 女 only",
    "ANSWER_UNKNOWN": "Answer with one of the questionnaire's choices (e.g. 7天内购车, "
                      "预算已确认), not free text",
}

RULES: dict[str, Rule] = {rule.code: replace(rule, fix_en=_FIX_EN[rule.code]) for rule in _RULES}
SEVERITY: dict[str, str] = {rule.code: rule.severity for rule in _RULES}
