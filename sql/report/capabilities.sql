-- One row per table or view of the database with its column names: what the report can use
-- (a `bucket` column in cooccurrence, extra measures, a `themes` table) is read from here.
select table_name, list(column_name order by ordinal_position) as columns
from information_schema.columns
where table_schema = 'main'
  and table_name in ('cooccurrence', 'entity_frequency', 'themes', 'pair_changes')
group by table_name
order by table_name;
