"""Word pools the generator samples from (built once; Faker only supplies static lists)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider
from pypinyin import Style, lazy_pinyin

MALE_CHARS = (
    "伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳亮成建峰晨瑞博彬坤文东海"
    "国志永春德义兴荣昌振宏庆力诚毅翔鸿嘉康胜齐晖睿哲轩宸"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞燕玲丹萍红英梅莉婷雪琳颖慧倩洁欣怡佳晶璐瑶蕾薇雅琪婉秀兰桂凤玉珍月"
    "萱彤妍悦晓露岚茜菲琳曼"
)
OCCUPATIONS = (
    "企业管理人员 公务员 教师 医生 护士 工程师 软件工程师 "
    "销售经理 个体经营 私营企业主 律师 会计 金融从业人员 "
    "设计师 自由职业 退休 建筑工程师 科研人员 银行职员 "
    "保险代理人 房地产经纪人 厨师 司机 电商从业者 外贸业务员 "
    "大学教授 部门经理 人力资源经理 市场总监 项目经理 警察 "
    "军人 媒体从业者 物流经理"
).split()
INTERESTS = (
    "自驾游 摄影 高尔夫 钓鱼 跑步 健身 登山 骑行 露营 "
    "阅读 音乐 电影 美食 品茶 书法 滑雪 游泳 网球 羽毛球 "
    "篮球 足球 收藏 旅游 赛车"
).split()
EMPLOYER_KINDS = [
    "科技有限公司", "贸易有限公司", "建设工程有限公司", "实业有限公司", "投资管理有限公司",
    "医药有限公司", "文化传媒有限公司", "食品有限公司", "物流有限公司", "电子有限公司",
]
INSTITUTIONS = ["人民医院", "第一中学", "实验小学", "税务局", "供电公司", "中心医院", "大学"]
COMPANY_KINDS = [
    "科技有限公司", "汽车租赁有限公司", "物流有限公司", "贸易有限公司", "建设工程有限公司",
    "实业有限公司", "投资管理有限公司", "集团有限公司", "医药有限公司", "文化传媒有限公司",
]
COMPANY_KIND_WEIGHTS = [0.2, 0.12, 0.1, 0.12, 0.1, 0.1, 0.06, 0.08, 0.06, 0.06]
DEALER_WORDS = [
    "华信", "联拓", "中升", "永达", "广汇", "骏宝", "恒信", "润华", "庞大", "利星", "冠德", "盛世",
    "鼎泰", "宏达", "瑞通", "金港", "祥源", "远通", "嘉华", "博瑞", "星徽", "天泽", "恒通", "宝利",
    "万达", "运通", "东昌", "合众", "德众", "锦程", "信诚", "康众", "朗润", "华亿", "正通", "元通",
]
STREET_STEMS = [
    "人民", "解放", "建设", "中山", "和平", "友谊", "新华", "胜利", "光明", "幸福", "青年", "长江",
    "黄河", "文化", "民主", "团结", "朝阳", "东风", "西湖", "滨江", "花园", "锦绣", "世纪", "科技",
    "学府", "金融", "迎宾", "府前", "南京", "北京", "延安", "复兴", "振兴", "园林", "湖滨", "体育",
]
STREET_SUFFIXES = ["路", "大道", "街", "东路", "西路", "南路", "北路", "大街"]
COMPOUND_STEMS = [
    "阳光", "金色", "碧水", "翠湖", "锦绣", "华府", "万科", "绿城", "保利", "龙湖", "中海", "融创",
    "时代", "盛世", "御景", "紫荆", "枫林", "春天", "名门", "海悦", "香榭", "丽景", "云顶", "东方",
]
COMPOUND_SUFFIXES = ["花园", "小区", "家园", "公寓", "新城", "苑", "府", "名苑", "雅居"]
INSURERS = (
    "中国人民财产保险 中国平安财产保险 中国太平洋财产保险 "
    "中华联合财产保险 中国大地财产保险 阳光财产保险 "
    "太平财产保险 天安财产保险"
).split()
INSURER_CODES = ["PDAA", "PA", "ACPA", "ZHLH", "DDBX", "YGBX", "TPCX", "TAFX"]


def pinyin(text: str) -> str:
    """Toneless pinyin without separators (王伟 -> wangwei)."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


@dataclass(frozen=True)
class NamePools:
    surnames: np.ndarray
    surname_p: np.ndarray
    male: np.ndarray  # given names
    female: np.ndarray


def _given_names(base: list[str], chars: str, rng: np.random.Generator, n: int) -> np.ndarray:
    pairs = {a + b for a, b in zip(rng.choice(list(chars), n), rng.choice(list(chars), n),
                                   strict=True)}
    names = sorted(set(base) | set(chars) | pairs)
    return np.array(names)


@lru_cache(maxsize=1)
def homophones() -> dict[str, list[str]]:
    """Characters sharing the same toneless pinyin, for one-character typos (伟 -> 玮)."""
    base = PersonProvider.first_names_male + PersonProvider.first_names_female
    chars = set(MALE_CHARS) | set(FEMALE_CHARS) | {c for n in base for c in n}
    extra = "玮炜卫维薇为巍蔚韦苇亮良靓俊骏峻军君钧娜纳那芳方舫敏民闵静晶菁婷亭庭丽莉俐力立利"
    by_sound: dict[str, list[str]] = {}
    for ch in sorted(chars | set(extra)):
        by_sound.setdefault(pinyin(ch), []).append(ch)
    out = {}
    for ch in sorted(chars):
        alts = [c for c in by_sound[pinyin(ch)] if c != ch]
        out[ch] = alts or [c for c in "明华文军" if c != ch]
    return out


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    rng = np.random.default_rng([seed, 11])
    surnames = np.array(list(PersonProvider.last_names.keys()))
    weights = np.array(list(PersonProvider.last_names.values()), dtype=float)
    male = _given_names(PersonProvider.first_names_male, MALE_CHARS, rng, 900)
    female = _given_names(PersonProvider.first_names_female, FEMALE_CHARS, rng, 900)
    return NamePools(surnames, weights / weights.sum(), male, female)


def company_words() -> list[str]:
    """Two-character trade names (华信, 创联 ...) from Faker's company prefixes and our list."""
    words = {w for w in CompanyProvider.company_prefixes if len(w) == 2}
    return sorted(words | set(DEALER_WORDS) | set(COMPOUND_STEMS))


def pick(pool: Sequence[str] | np.ndarray, rng: np.random.Generator, n: int,
         p: list[float] | np.ndarray | None = None) -> np.ndarray:
    """``n`` draws from ``pool`` as a numpy str array."""
    arr = np.asarray(pool)
    if p is not None:
        p = np.asarray(p, dtype=float) / np.sum(p)
    return arr[rng.choice(arr.size, size=n, p=p)]


def choose(pool: list[str] | np.ndarray, rng: np.random.Generator, n: int,
           p: list[float] | np.ndarray | None = None) -> pl.Series:
    """``n`` draws from ``pool`` as a polars String series (no per-value Python objects)."""
    values = pl.Series(list(pool), dtype=pl.String)
    if p is not None:
        p = np.asarray(p, dtype=float) / np.sum(p)
    return values.gather(rng.choice(values.len(), size=n, p=p))


def lookup(pool: Sequence[str] | np.ndarray, idx: np.ndarray) -> pl.Series:
    """``pool[idx]`` as a polars String series."""
    return pl.Series(list(pool), dtype=pl.String).gather(np.asarray(idx))
