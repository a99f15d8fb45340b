"""Results for grading: attempts out of the study store, into CSV or JSON, and back for a class.

A teacher collects each student's result file (`quiz results -o NAME.csv`) and
merges them (`quiz results merge *.csv`) into one class table. Everything here is
pure: rows from the store, text out, rows from text, statistics from rows.

* `records`: the rows and columns of a result file, and its format.
* `export`: attempts from the store as rows, and rows as CSV or JSON text.
* `reading`: a result file read back and checked (pydantic is imported here only).
* `class_table`: the files' attempts merged, each student's best, item statistics.
"""
