#!/usr/bin/env python3
"""Reads leaksim's Parquet rows with the tools analysts use (pandas, and polars and DuckDB where
installed) and checks them against the CSV rows of the same run: same columns, same rows, same
values (CSV numbers have 12 significant digits), nulls where CSV cells are empty.

Usage: parquet_readers.py PARQUET_FOLDER CSV_FOLDER
"""
import sys

import numpy as np
import pandas as pd

pq, csv = sys.argv[1], sys.argv[2]


def same_numbers(a, b, what):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"{what}: shapes {a.shape} vs {b.shape}"
    assert (np.isnan(a) == np.isnan(b)).all(), f"{what}: nulls differ from empty cells"
    ok = np.isnan(b) | (np.abs(a - b) <= 1e-11 * np.maximum(np.abs(b), 1.0))
    assert ok.all(), f"{what}: values differ"


checked = []
skipped = set()
for name in ["replications", "paths"]:
    c = pd.read_csv(f"{csv}/{name}.csv", keep_default_na=False, na_values=[""])
    p = pd.read_parquet(f"{pq}/{name}.parquet")
    assert list(p.columns) == list(c.columns), f"{name}: columns differ"
    assert len(p) == len(c) > 0, f"{name}: {len(p)} rows vs {len(c)}"
    for col in c.columns:
        numeric = pd.api.types.is_numeric_dtype
        if not (numeric(c[col]) and numeric(p[col])):
            assert (p[col].fillna("").astype(str) == c[col].fillna("").astype(str)).all(), f"{name}.{col}"
        else:
            same_numbers(p[col], c[col], f"{name}.{col}")
    checked.append(f"pandas {pd.__version__}: {name} {p.shape}")
    try:
        import polars as pl

        q = pl.read_parquet(f"{pq}/{name}.parquet")
        assert q.columns == list(c.columns) and q.height == len(c), f"polars {name}"
        num = [k for k in c.columns if pd.api.types.is_numeric_dtype(c[k])]
        same_numbers(q.select(num).to_numpy(), c[num].to_numpy(), f"polars {name}")
        checked.append(f"polars {pl.__version__}: {name}")
    except ImportError:
        skipped.add("polars")
    try:
        import duckdb

        n = duckdb.sql(f"select count(*) from read_parquet('{pq}/{name}.parquet')").fetchall()[0][0]
        assert n == len(c), f"duckdb {name}: {n} rows"
        checked.append(f"duckdb {duckdb.__version__}: {name}")
    except ImportError:
        skipped.add("duckdb")
print("parquet readers:", "; ".join(checked))
for tool in sorted(skipped):
    print(f"SKIPPED: parquet readers: Python's {tool} not found; install it with `python3 -m pip install {tool}`")
