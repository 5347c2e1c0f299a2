"""Free-text templates (call notes, complaints, posts, survey comments, repair items)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

CALL_NOTES: dict[str, list[str]] = {
    "咨询": [
        "客户咨询{model}的保养周期和费用，已告知按保养手册执行",
        "咨询{model}{config}最新售价及金融政策，已转{dealer}销售顾问跟进",
        "询问车辆三包政策及质保期限，已解释清楚",
        "咨询旧车置换补贴政策，客户考虑置换{model}",
        "咨询车机系统升级后蓝牙无法连接，已远程指导操作",
        "咨询保险续保优惠，已转金融保险专员回电",
    ],
    "投诉": [
        "客户投诉{dealer}维修后车辆仍有异响，要求返修并给说法",
        "投诉服务顾问态度差，未提前告知保养项目费用，已记录转区域经理",
        "投诉新车交付时间一再推迟，要求尽快交车",
        "投诉{model}空调异味，多次到店未解决",
    ],
    "救援": [
        "车辆在{place}无法启动，已安排道路救援",
        "客户在{place}爆胎，已派救援车前往",
        "电瓶亏电请求搭电，已联系就近经销商",
    ],
    "预约": [
        "预约{date}到{dealer}做常规保养",
        "预约试驾{model}，已通知{dealer}",
        "预约钣喷维修，客户希望周末到店",
    ],
    "回访": [
        "保养后回访，客户表示满意",
        "新车交付回访，客户对销售顾问服务满意",
        "维修后回访，客户反映问题已解决",
        "回访未接通，稍后再联系",
    ],
}
CALL_TYPES = ("咨询", "投诉", "救援", "预约", "回访")
CALL_TYPE_P = (0.4, 0.1, 0.08, 0.25, 0.17)
COMPLAINTS: dict[str, list[str]] = {
    "产品质量": ["{model}行驶中变速箱顿挫明显，要求检测", "车辆中控屏频繁黑屏死机",
             "{model}天窗漏水，座椅被淋湿"],
    "服务质量": ["{dealer}服务顾问承诺的回电一直没有回复", "保养等待时间超过4小时无人解释"],
    "维修质量": ["刹车异响维修三次仍未解决", "更换零件后故障灯依旧亮起，怀疑未按规范维修"],
    "销售纠纷": ["购车时承诺的赠品未兑现", "交车时发现车漆有划痕，要求补偿"],
    "费用争议": ["保养费用比官网公示价格高出很多", "未经同意增加维修项目并收费"],
}
ROADSIDE = ["爆胎", "电瓶亏电无法启动", "发动机故障灯亮，动力不足", "车辆抛锚熄火", "钥匙锁在车内",
            "交通事故需拖车", "电量耗尽无法行驶", "刹车系统报警"]
POSTS: list[tuple[str, str]] = [
    ("提车作业：{model}{config}终于到手", "在{dealer}提的车，销售很专业，落地价满意，分享几张图。"),
    ("{model}首保经历分享", "首保只做了机油机滤，用时一个半小时，费用还算合理。"),
    ("{model}油耗多少算正常？", "市区通勤，百公里九个多，大家的油耗是多少？"),
    ("自驾游记：{city}周边三日游", "全程一千二百公里，{model}高速表现很稳，座椅舒适。"),
    ("求助：{model}仪表盘报警", "早上启动后仪表提示胎压异常，检查轮胎没问题，是传感器坏了吗？"),
    ("车主活动报名后的感受", "参加了俱乐部组织的试驾活动，认识了很多车友，组织得不错。"),
    ("保养价格对比", "{dealer}和外面快修店的保养价格差不少，大家怎么选？"),
]
SURVEY_GOOD = ["销售顾问专业热情，讲解详细", "交车仪式很用心，体验很好", "保养速度快，休息区舒适",
               "服务顾问主动提醒保养项目，很满意", "整体满意，会推荐给朋友"]
SURVEY_MID = ["整体还行，等待时间有点长", "价格可以再优惠一些", "流程有点繁琐", "一般般"]
SURVEY_BAD = ["维修拖了好几天，沟通不及时", "收费不透明，体验很差", "销售承诺没有兑现",
              "同一个问题修了三次还没好"]
EVENTS = ["{year}{city}国际车展试驾", "{model}上市品鉴会", "车主自驾游·{city}周边",
          "冰雪驾驶体验营", "亲子嘉年华", "春季保养节", "新能源技术讲座", "赛道体验日"]
REPAIRS: dict[str, list[tuple[str, str, float, float]]] = {  # item, parts, min, max amount
    "保养": [
        ("常规保养：更换机油、机滤", "机油5W-40 4.5L;机油滤清器", 450, 1200),
        ("大保养：更换机油、机滤、空滤、空调滤", "机油;机油滤清器;空气滤清器;空调滤芯", 1200, 2800),
        ("更换刹车油、火花塞", "制动液DOT4;火花塞x4", 800, 1800),
    ],
    "维修": [
        ("更换前刹车片", "前刹车片", 900, 2400), ("更换蓄电池", "蓄电池70Ah", 900, 1800),
        ("空调不制冷检修，加注冷媒", "冷媒R134a", 300, 900), ("更换雨刮片", "雨刮片", 150, 400),
        ("四轮定位及动平衡", "", 200, 500), ("更换减震器", "前减震器x2", 2500, 6500),
    ],
    "索赔": [
        ("水泵漏水，索赔更换水泵", "电子水泵", 1800, 4200),
        ("车窗升降器故障索赔", "车窗升降器", 900, 2200),
        ("多媒体主机黑屏索赔", "MMI主机", 5000, 12000),
    ],
    "钣喷": [
        ("左前门钣金喷漆", "油漆辅料", 1200, 3500), ("后保险杠喷漆", "油漆辅料", 800, 2500),
        ("前保险杠更换及喷漆", "前保险杠;油漆辅料", 3000, 9000),
    ],
}
REPAIR_TYPES = ("保养", "维修", "索赔", "钣喷")
REPAIR_TYPE_P = (0.55, 0.25, 0.1, 0.1)
FIRST_SERVICE = ("首次保养：更换机油、机滤，全车检查", "机油5W-40 4.5L;机油滤清器", 0.0, 0.0)


def fill(templates: list[str], rng: np.random.Generator, n: int,
         slots: Mapping[str, pl.Series | np.ndarray] | None = None,
         choice: np.ndarray | None = None) -> pl.Series:
    """One template per row (random unless ``choice`` gives the index), placeholders
    ``{slot}`` replaced by the row's slot value."""
    idx = choice if choice is not None else rng.integers(0, len(templates), n)
    df = pl.DataFrame({"t": np.array(templates, dtype=object)[idx].astype(str)},
                      schema={"t": pl.String})
    expr = pl.col("t")
    for key, values in (slots or {}).items():
        df = df.with_columns(pl.Series(f"_{key}", values).cast(pl.String).fill_null(""))
        expr = expr.str.replace_all("{" + key + "}", pl.col(f"_{key}"), literal=True)
    return df.select(expr.alias("text"))["text"]


def grouped(groups: dict[str, list[str]], keys: np.ndarray, rng: np.random.Generator,
            slots: Mapping[str, pl.Series | np.ndarray] | None = None) -> pl.Series:
    """Like :func:`fill`, templates chosen within the group named by each row's key."""
    flat: list[str] = []
    start: dict[str, tuple[int, int]] = {}
    for name, items in groups.items():
        start[name] = (len(flat), len(items))
        flat.extend(items)
    names = list(groups)
    lo = np.array([start[k][0] for k in names])
    cnt = np.array([start[k][1] for k in names])
    uniq, inv = np.unique(np.asarray(keys, dtype=str), return_inverse=True)
    kidx = np.array([names.index(u) for u in uniq], dtype=np.int64)[inv]
    choice = lo[kidx] + (rng.random(kidx.size) * cnt[kidx]).astype(np.int64)
    return fill(flat, rng, kidx.size, slots, choice)
