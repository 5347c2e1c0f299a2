"""Prospect lists as dealers and HQ receive them: an auto-show XLSX with a title row and a bought
list in GBK, with duplicates, titles for names (王先生) and existing customers' mobiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from autocrm.synth.config import CATALOGUE
from autocrm.synth.pools import name_pools
from autocrm.synth.writers import write_csv, write_xlsx

HEADER = ["姓名", "手机", "意向车型", "来源", "日期", "城市", "购车时间", "预算", "试驾"]
TIMEFRAMES = ["已当场下订", "7天内购车", "15天内购车", "30天内购车", "90天内购车", "暂无计划", ""]
TIMEFRAME_P = [0.03, 0.12, 0.15, 0.2, 0.2, 0.1, 0.2]
BUDGETS = ["预算已确认", "有大致预算", "预算未知", ""]
DRIVES = ["已试驾", "想试驾", "不试驾", ""]
CITIES = ["北京", "上海", "南京", "杭州", "西安", "承德", "成都", "广州"]


def write_lists(out_dir: Path, persons: pl.DataFrame, *, rows: int, today: dt.date,
                seed: int = 42) -> list[Path]:
    """Write LEAD/auto_show.xlsx and LEAD/bought_list.csv under `out_dir`: `rows` prospects
    of the last 90 days, a sixth of them existing customers (from `persons`: name, phones)."""
    rng = np.random.default_rng([seed, 18])
    pools = name_pools(seed)
    n = max(rows, 10)
    surnames = rng.choice(pools.surnames, n, p=pools.surname_p)
    given = rng.choice(np.concatenate([pools.male, pools.female]), n)
    names = [s + g for s, g in zip(surnames, given, strict=True)]
    phones = [f"1{rng.choice([3, 5, 7, 8, 9])}{rng.integers(0, 10**9):09d}" for _ in range(n)]
    known = persons.filter(pl.col("phones").list.len() > 0).select(
        "name", pl.col("phones").list.first().alias("phone"))
    take = min(known.height, n // 6)
    for i, row in enumerate(known.sample(take, seed=seed).iter_rows() if take else []):
        names[i], phones[i] = row
    titles = rng.random(n) < 0.08  # 王先生: the list knows only the surname
    names = [f"{s}{'先生' if rng.random() < 0.5 else '女士'}" if t else name
             for name, s, t in zip(names, surnames, titles, strict=True)]
    models = [m.name for m in CATALOGUE]
    frame = pl.DataFrame({
        "姓名": names, "手机": phones,
        "意向车型": rng.choice(models, n).tolist(),
        "来源": rng.choice(["auto_show", "bought_list"], n, p=[0.6, 0.4]).tolist(),
        "日期": [(today - dt.timedelta(days=int(d))).isoformat()
               for d in rng.integers(0, 90, n)],
        "城市": rng.choice(CITIES, n).tolist(),
        "购车时间": rng.choice(TIMEFRAMES, n, p=TIMEFRAME_P).tolist(),
        "预算": rng.choice(BUDGETS, n).tolist(),
        "试驾": rng.choice(DRIVES, n).tolist(),
    })
    show = frame.filter(pl.col("来源") == "auto_show")
    bought = frame.filter(pl.col("来源") == "bought_list")
    bought = pl.concat([bought, bought.head(max(1, bought.height // 20))])  # sent twice
    lead_dir = out_dir / "LEAD"
    lead_dir.mkdir(parents=True, exist_ok=True)
    paths = [lead_dir / "auto_show.xlsx", lead_dir / "bought_list.csv"]
    write_xlsx(show, paths[0], title=f"{today.year} 车展潜客名单")
    write_csv(bought, paths[1], encoding="gbk")
    return paths
