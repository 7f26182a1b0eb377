-- One row per bucket × context × entity pair, as stored: `cooccurrence` already has a
-- `bucket` column ('day' … 'year', 'all'), so the report reads it as it is.
create or replace temp view report_cooccurrence as
select * from cooccurrence;
