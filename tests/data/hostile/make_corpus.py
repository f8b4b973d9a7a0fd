#!/usr/bin/env python3
"""Writes the hostile-input corpus that tests/hostile.rs runs the `mle` binary over.

Every file here is a CSV file (`*.csv`) or a saved-model file (`*.json`) built to break a
reader: malformed CSV grammar, encodings, numbers at the limits of double precision, data no
model can use, and damaged or edited model files. The test asserts that every command exits
with 0-4 and never panics (exit 101) or dies by a signal.

    python3 tests/data/hostile/make_corpus.py

`base_model.json` is a model saved by
`mle fit logistic --data tests/data/iris.csv --y species=versicolor --x sepal_length,sepal_width --save ...`;
the model files are edits of it.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(13)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def table(rows, header="y,x"):
    return header + "\n" + "".join(r + "\n" for r in rows)


ok_rows = ["0,1", "1,2.5", "0,3", "1,4.5", "1,5", "0,6", "1,7.5", "0,8"]

csv_files = {
    # grammar
    "empty.csv": "",
    "bom_only.csv": b"\xef\xbb\xbf",
    "newlines_only.csv": "\n\r\n\r",
    "header_only.csv": "y,x\n",
    "header_empty_name.csv": table(ok_rows, "y,,x"),
    "header_repeated.csv": table(ok_rows, "y,x,x"),
    "header_quote_inside.csv": 'id",y,x\na,1,2\nb,0,3.1\nc,1,3.9\nd",0,5.2\ne,1,6.1\nf,0,6.8\ng,1,8.3\nh,0,9\n',
    "header_bare_cr.csv": "y,x\r" + "\n".join(ok_rows) + "\n",
    "bare_cr_mid_line.csv": "y,x\n0,1\r1,2\n0,3\n1,4\r0,5\n1,6\n",
    "bare_cr_with_quotes.csv": 'y,x,t\n0,1,a\r1,2,"b"\n0,3,c\n1,4,d\n',
    "crlf_mixed.csv": "y,x\r\n0,1\n1,2\r\n0,3\r1,4\n0,5\n1,6\n",
    "unclosed_quote.csv": 'y,x\n0,1\n1,"2\n0,3\n1,4\n',
    "quoted_newline.csv": 'y,x,t\n0,1,"a\nb"\n1,2,"c"\n0,3,d\n1,4,"e""f"\n',
    "quote_after_field.csv": 'y,x\n0,"1"2\n1,2\n0,3\n1,4\n',
    "bom_header.csv": b"\xef\xbb\xbf" + table(ok_rows).encode(),
    "bom_mid_file.csv": "y,x\n0,1\n\ufeff1,2\n0,3\n1,4\n",
    "ragged_short.csv": table(["0,1", "1", "0,3"]),
    "ragged_long.csv": table(["0,1", "1,2,3", "0,3"]),
    "blank_lines.csv": "\n\ny,x\n\n0,1\n\n1,2\n0,3\n\n1,4\n\n",
    "no_final_newline.csv": "y,x\n0,1\n1,2\n0,3\n1,4",
    "tabs_and_spaces.csv": "y,x\n 0 ,\t1\n1 , 2 \n0,3\t\n1,\t4\n",
    "nul_bytes.csv": b"y,x\n0,1\x00\n1,2\n0,3\n1,4\n",
    "invalid_utf8.csv": b"y,x\n0,1\n1,\xff\xfe\n0,3\n",
    "invalid_utf8_header.csv": b"y,\xc3\x28\n0,1\n1,2\n",
    "binary_garbage.csv": bytes(random.getrandbits(8) for _ in range(4096)),
    "semicolons.csv": "y;x\n0;1\n1;2\n0;3\n",
    "only_commas.csv": ",,,\n,,,\n",
    # numbers at the limits
    "huge_response.csv": table(["1.7e308,1", "0,2", "1,3", "2,5"]),
    "huge_covariate.csv": table(["1,1e154", "0,2", "1,3", "2,5"]),
    "max_values.csv": table(["1.7976931348623157e308,-1.7976931348623157e308", "0,1", "1,2", "0,3"]),
    "subnormal.csv": table(["0,5e-324", "1,1e-320", "0,2e-310", "1,3e-308"]),
    "overflow_literal.csv": table(["0,1e999", "1,2", "0,3", "1,4"]),
    "nan_inf.csv": table(["0,NaN", "1,inf", "0,-inf", "1,4"]),
    "tiny_and_huge_scales.csv": "y,a,b\n" + "".join(f"{i % 2},{i * 1e-150},{(i * 7919) % 13 * 1e150}\n" for i in range(20)),
    # data no model can use
    "one_row.csv": table(["1,2"]),
    "two_rows.csv": table(["0,1", "1,2"]),
    "constant_covariate.csv": table(["0,5", "1,5", "0,5", "1,5"]),
    "constant_response.csv": table(["1,1", "1,2", "1,3", "1,4"]),
    "all_zero_response.csv": table(["0,1", "0,2", "0,3", "0,4"]),
    "non_binary_response.csv": table(["2,1", "0,2", "-1,3", "0.5,4"]),
    "separated.csv": table(["0,1", "0,2", "0,3", "1,4", "1,5", "1,6"]),
    "quasi_separated.csv": table(["0,1", "0,2", "1,2", "0,2", "1,3", "1,4"]),
    "collinear.csv": "y,a,b,c\n" + "".join(f"{i % 2},{i},{(i * i) % 7},{i + (i * i) % 7}\n" for i in range(12)),
    "duplicate_columns.csv": "y,a,b\n" + "".join(f"{i % 2},{i},{i}\n" for i in range(8)),
    "more_columns_than_rows.csv": "y,a,b,c,d\n0,1,2,3,4\n1,2,3,4,6\n0,3,1,5,2\n",
    "text_covariate.csv": table(["0,low", "1,high", "0,low", "1,mid"]),
    "missing_cells.csv": table(["0,1", "1,", "0,3", ",4"]),
    "long_cell.csv": table(["0,1", "1," + "9" * 100000 + "x", "0,3", "1,4"]),
    "long_header.csv": "y,x" + "z" * 100000 + "\n0,1\n1,2\n",
    "wide.csv": ",".join(["y"] + [f"x{j}" for j in range(1000)]) + "\n"
    + "".join(",".join([str(i % 2)] + [str((i * 31 + j * 17) % 101) for j in range(1000)]) + "\n" for i in range(5)),
    "negative_trials_values.csv": table(["-1,1", "3,2", "0,3", "1,4"]),
}

for name, data in csv_files.items():
    write(name, data)

with open(os.path.join(HERE, "base_model.json")) as f:
    base = json.load(f)


def edited(edit):
    m = json.loads(json.dumps(base))
    edit(m)
    return json.dumps(m, indent=2)


def setp(path, value):
    def edit(m):
        obj = m
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return edit


text = json.dumps(base, indent=2)
models = {
    "model_empty.json": "",
    "model_truncated.json": text[: len(text) // 2],
    "model_not_json.json": "not a model",
    "model_binary.json": bytes(random.getrandbits(8) for _ in range(512)),
    "model_deep_nesting.json": "[" * 10000 + "]" * 10000,
    "model_wrong_format.json": edited(setp(["format"], "other")),
    "model_wrong_version.json": edited(setp(["version"], 99)),
    "model_reversed_columns.json": edited(lambda m: m.__setitem__("columns", m["columns"][::-1])),
    "model_estimate_huge.json": edited(setp(["fit", "params", 1, "estimate"], 1e308)),
    "model_estimate_null.json": edited(setp(["fit", "params", 1, "estimate"], None)),
    "model_estimate_overflow_literal.json": text.replace(
        json.dumps(base["fit"]["params"][1]["estimate"]), "1e999", 1),
    "model_negative_std_error.json": edited(setp(["fit", "params", 0, "std_error"], -1.0)),
    "model_asymmetric_covariance.json": edited(setp(["fit", "covariance", 0, 1], 42.0)),
    "model_other_kind.json": edited(setp(["model"], "gaussian")),
    "model_unknown_kind.json": edited(setp(["model"], "poisson")),
    "model_no_params.json": edited(setp(["fit", "params"], [])),
    "model_extra_column.json": edited(lambda m: m["columns"].append("petal_length")),
    "model_not_converged.json": edited(lambda m: (m["fit"].__setitem__("converged", False),
                                                  m["fit"].__setitem__("reason", "max_iterations"))),
    "model_level_out_of_range.json": edited(setp(["fit", "level"], 7.0)),
    "model_n_obs_zero.json": edited(setp(["fit", "n_obs"], 0)),
}
for name, data in models.items():
    write(name, data)
