"""Turn government information disclosure annual reports into a DuckDB warehouse."""

#: Recorded with every report so numbers can be traced to the parser that read them.
PARSER_VERSION = "1.0"
