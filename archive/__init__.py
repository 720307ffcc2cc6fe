"""The SQLite archive: schema, migrations, writes, queries, export."""
