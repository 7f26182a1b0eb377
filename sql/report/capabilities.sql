-- One row per table or view of the database with its column names, and one (no columns) for
-- the `pair_changes_since` macro: what the report can use (a `bucket` column in
-- cooccurrence, extra measures, a `themes` table, the pair changes) is read from here.
select table_name, list(column_name order by ordinal_position) as columns
from information_schema.columns
where table_schema = 'main'
  and table_name in ('cooccurrence', 'entity_frequency', 'themes', 'pair_changes')
group by table_name
union all
select function_name, []::varchar[]
from duckdb_functions()
where function_name = 'pair_changes_since' and function_type = 'table_macro'
order by table_name;
