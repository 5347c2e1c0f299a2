"""Synthetic multi-source customer records with known truth, for matching tests and benches."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
                "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华文辉鹏斌宇浩凯健俊帆旭宁龙林欢"
             "佳婷雪琳晨颖倩秀英桂兰玉红梅志国建海云飞鑫博然瑞嘉怡欣悦航昊子涵梓轩思")
HOMOPHONES = {
    "伟": "玮", "芳": "方", "娜": "那", "敏": "民", "静": "婧", "丽": "莉", "强": "墙", "磊": "雷",
    "军": "君", "洋": "阳", "勇": "永", "艳": "燕", "杰": "洁", "娟": "涓", "涛": "韬", "明": "铭",
    "超": "潮", "霞": "侠", "平": "萍", "刚": "钢", "华": "骅", "文": "雯", "辉": "晖", "鹏": "朋",
    "斌": "彬", "宇": "雨", "浩": "昊", "凯": "恺", "健": "建", "俊": "峻", "帆": "凡", "旭": "煦",
    "宁": "凝", "龙": "隆", "林": "琳", "欢": "环", "佳": "嘉", "婷": "亭", "雪": "学", "琳": "林",
    "晨": "辰", "颖": "莹", "倩": "茜",
}
CITIES = [("广东", "广州"), ("广东", "深圳"), ("北京", "北京"), ("上海", "上海"), ("浙江", "杭州"),
          ("江苏", "南京"), ("四川", "成都"), ("湖北", "武汉"), ("陕西", "西安"), ("山东", "济南"),
          ("湖南", "长沙"), ("河南", "郑州")]
ROADS = list("人民解放建设中山和平胜利新华文化青年光明幸福")
SOURCES = ["FIN", "INV", "DMS", "DMS", "CC", "WEB", "SVY", "CLUB"]


def people(n_people: int, seed: int = 7) -> list[dict[str, object]]:
    """Make customers: names (with realistic repeats), IDs, phones, cars, places."""
    rng = random.Random(seed)
    out = []
    for pid in range(n_people):
        province, city = rng.choice(CITIES)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        out.append({
            "pid": pid,
            "name": rng.choice(SURNAMES[:30] if rng.random() < 0.7 else SURNAMES) + given,
            "id_number": f"{rng.randrange(110000, 659999)}{rng.randrange(10**11, 10**12)}",
            "phones": [_phone(rng) for _ in range(2 if rng.random() < 0.25 else 1)],
            "new_phone": _phone(rng) if rng.random() < 0.08 else None,
            "birth_date": dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 15000)),
            "province": province,
            "city": city,
            "address": f"{city}市{rng.choice(ROADS)}{rng.choice(ROADS)}路{rng.randrange(1, 300)}号",
            "vins": [_vin(rng) for _ in range(rng.choice([1, 1, 1, 2]))],
        })
    for person in out:  # a few households share one phone
        if rng.random() < 0.02:
            other = out[rng.randrange(len(out))]
            if other is not person:
                person["phones"] = [other["phones"][0], *person["phones"][1:]]  # type: ignore
        if rng.random() < 0.03:  # a used car: the VIN also belongs to its previous owner
            other = out[rng.randrange(len(out))]
            if other is not person:
                person["vins"] = [*person["vins"], other["vins"][0]]  # type: ignore
    return out


def records(n_people: int, seed: int = 7) -> pl.DataFrame:
    """Source records for `n_people` customers; column `pid` is the truth."""
    rng = random.Random(seed + 1)
    rows = []
    for person in people(n_people, seed):
        for _ in range(1 + min(5, int(rng.expovariate(1 / 1.9)))):
            rows.append(_record(rng, person, rng.choice(SOURCES)))
    frame = pl.DataFrame(rows, schema={
        "pid": pl.Int64, "name": pl.Utf8, "name_kind": pl.Utf8, "id_number": pl.Utf8,
        "phone": pl.Utf8, "vin": pl.Utf8, "birth_date": pl.Date, "province": pl.Utf8,
        "city": pl.Utf8, "address": pl.Utf8, "source": pl.Utf8,
    })
    order = list(range(frame.height))
    rng.shuffle(order)
    return frame[order].with_row_index("record_id", offset=1).with_columns(
        pl.col("record_id").cast(pl.Int64)
    )


def _record(rng: random.Random, p: dict, source: str) -> dict[str, object]:
    phones: list[str] = p["phones"]  # type: ignore[assignment]
    phone = rng.choice(phones)
    if p["new_phone"] and rng.random() < 0.5:
        phone = p["new_phone"]
    row = {"pid": p["pid"], "name": _name(rng, p["name"], source), "name_kind": "person",
           "id_number": p["id_number"], "phone": phone, "vin": rng.choice(p["vins"]),
           "birth_date": p["birth_date"], "province": p["province"], "city": p["city"],
           "address": _address(rng, p["address"]), "source": source}
    blank = {
        "FIN": (), "INV": ("birth_date", "address"),
        "DMS": ("birth_date",) + (("id_number",) if rng.random() < 0.7 else ()),
        "CC": ("id_number", "vin", "birth_date", "address"),
        "WEB": ("id_number", "vin", "birth_date", "address"),
        "SVY": ("id_number", "birth_date", "address"),
        "CLUB": ("id_number", "address"),
    }[source]
    for column in blank:
        row[column] = None
    if source in ("CC", "WEB") and rng.random() < 0.3:
        row["city"] = row["province"] = None
    return row


def _name(rng: random.Random, name: str, source: str) -> str | None:
    if source in ("CC", "WEB"):
        roll = rng.random()
        if roll < 0.25:
            return None  # 王先生 removed by cleaning
        if roll < 0.35:
            return name[0] + rng.choice("总工")  # nickname: 张总
    if source != "FIN" and rng.random() < 0.08:
        pos = rng.randrange(1, len(name))
        typo = HOMOPHONES.get(name[pos]) if rng.random() < 0.7 else None
        return name[:pos] + (typo or rng.choice(GIVEN)) + name[pos + 1:]
    return name


def _address(rng: random.Random, address: str) -> str:
    return address if rng.random() < 0.7 else address.replace("市", "") + rng.choice(["", "附近"])


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"


def _vin(rng: random.Random) -> str:
    return "LFV" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(14))
